// Pedestrian crossing controller: car lights plus a walk signal.
module pedxing (
    input            clk,
    input            rst,     // synchronous, active high
    input            button,  // pedestrian request
    output reg [2:0] car,     // one-hot {red, yellow, green}
    output reg       walk,
    output           waiting  // a request is pending
);
    localparam GO = 2'd0, SLOW = 2'd1, CROSS = 2'd2, CLEAR = 2'd3;
    reg [1:0] state;
    reg [3:0] timer;          // cycles spent in the current state, saturating at 15
    reg       req;            // latched pedestrian request

    reg [1:0] next;
    always @* begin
        next = state;
        case (state)
            GO:    if (req && timer >= 4'd7) next = SLOW;
            SLOW:  if (timer == 4'd2)        next = CROSS;
            CROSS: if (timer == 4'd9)        next = CLEAR;
            CLEAR: if (timer == 4'd3)        next = GO;
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= GO;
            timer <= 4'd0;
            req   <= 1'b0;
        end else begin
            state <= next;
            timer <= (next != state) ? 4'd0 : (timer == 4'd15 ? timer : timer + 4'd1);
            if (state == CROSS)
                req <= 1'b0;          // served; presses while crossing are dropped
            else if (button)
                req <= 1'b1;
        end
    end

    always @* begin
        case (state)
            GO:    begin car = 3'b001; walk = 1'b0; end
            SLOW:  begin car = 3'b010; walk = 1'b0; end
            CROSS: begin car = 3'b100; walk = 1'b1; end
            default: begin car = 3'b100; walk = 1'b0; end
        endcase
    end
    assign waiting = req;
endmodule
