// Moore FSM that detects the bit sequence 1-0-1-1 on din (overlapping).
module seqdet1011 (
    input  clk,
    input  arst,   // asynchronous, active high
    input  din,
    output det
);
    localparam S0    = 3'd0,   // nothing matched
               S1    = 3'd1,   // matched "1"
               S10   = 3'd2,   // matched "10"
               S101  = 3'd3,   // matched "101"
               S1011 = 3'd4;   // matched "1011" (detect)

    reg [2:0] state, next;

    always @(posedge clk or posedge arst) begin
        if (arst)
            state <= S0;
        else
            state <= next;
    end

    always @* begin
        case (state)
            S0:      next = din ? S1    : S0;
            S1:      next = din ? S1    : S10;
            S10:     next = din ? S101  : S0;
            S101:    next = din ? S1011 : S10;
            S1011:   next = din ? S1    : S10;
            default: next = S0;
        endcase
    end

    assign det = (state == S1011);
endmodule
