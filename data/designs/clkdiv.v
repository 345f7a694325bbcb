// Programmable clock-enable divider with a square-wave output.
module clkdiv (
    input        clk,
    input        rst,     // synchronous, active high
    input  [3:0] div,     // half period minus one, in cycles
    output reg   clk_out,
    output       tick     // 1 in the cycle before clk_out toggles
);
    reg [3:0] cnt;
    assign tick = (cnt >= div);

    always @(posedge clk) begin
        if (rst) begin
            cnt     <= 4'd0;
            clk_out <= 1'b0;
        end else if (tick) begin
            cnt     <= 4'd0;
            clk_out <= ~clk_out;
        end else begin
            cnt <= cnt + 4'd1;
        end
    end
endmodule
