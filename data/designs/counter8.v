// 8-bit up counter with synchronous reset and count enable.
module counter8 (
    input            clk,
    input            rst,    // synchronous, active high
    input            en,
    output reg [7:0] count,
    output           wrap
);
    always @(posedge clk) begin
        if (rst)
            count <= 8'd0;
        else if (en)
            count <= count + 8'd1;
    end

    // high during the cycle in which the counter will roll over from 255 to 0
    assign wrap = en & (count == 8'hFF);
endmodule
