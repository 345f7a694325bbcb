// Two-road traffic light controller with a side-road car sensor.
// Lights are one-hot {red, yellow, green}.
module traffic_light (
    input            clk,
    input            rst,    // synchronous, active high
    input            car,    // a car is waiting on the side road
    output reg [2:0] main_light,
    output reg [2:0] side_light
);
    localparam MG = 2'd0,    // main green,  side red
               MY = 2'd1,    // main yellow, side red
               SG = 2'd2,    // main red,    side green
               SY = 2'd3;    // main red,    side yellow

    localparam RED = 3'b100, YELLOW = 3'b010, GREEN = 3'b001;

    reg [1:0] state, next;
    reg [2:0] timer;         // cycles spent in the current state, saturates at 7

    always @* begin
        next = state;
        case (state)
            MG: if (car && timer >= 3'd3) next = MY;
            MY: if (timer == 3'd1)        next = SG;
            SG: if (timer == 3'd3)        next = SY;
            SY: if (timer == 3'd1)        next = MG;
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= MG;
            timer <= 3'd0;
        end else begin
            state <= next;
            if (next != state)
                timer <= 3'd0;
            else if (timer != 3'd7)
                timer <= timer + 3'd1;
        end
    end

    always @* begin
        case (state)
            MG:      begin main_light = GREEN;  side_light = RED;    end
            MY:      begin main_light = YELLOW; side_light = RED;    end
            SG:      begin main_light = RED;    side_light = GREEN;  end
            default: begin main_light = RED;    side_light = YELLOW; end
        endcase
    end
endmodule
