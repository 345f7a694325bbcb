// Mealy FSM detecting the serial pattern 1101, overlapping occurrences allowed.
module seqdet1101m (
    input      clk,
    input      arst_n,   // asynchronous, active low
    input      din,
    output reg det       // combinational: this bit completes 1101
);
    localparam S0 = 2'd0,    // no useful prefix
               S1 = 2'd1,    // seen 1
               S11 = 2'd2,   // seen 11
               S110 = 2'd3;  // seen 110
    reg [1:0] state, next;

    always @* begin
        det = 1'b0;
        case (state)
            S0:   next = din ? S1 : S0;
            S1:   next = din ? S11 : S0;
            S11:  next = din ? S11 : S110;
            default: begin
                next = din ? S1 : S0;   // 1101: the final 1 starts a new match
                det  = din;
            end
        endcase
    end

    always @(posedge clk or negedge arst_n) begin
        if (!arst_n)
            state <= S0;
        else
            state <= next;
    end
endmodule
