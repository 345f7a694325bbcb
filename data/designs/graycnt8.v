// 8-bit counter that holds its state in Gray code.
module graycnt8 (
    input            clk,
    input            rst,   // synchronous, active high
    input            en,
    output reg [7:0] g
);
    // Gray to binary: each bit is the XOR of the Gray bits at and above it
    reg [7:0] b;
    integer i;
    always @* begin
        b[7] = g[7];
        for (i = 6; i >= 0; i = i - 1)
            b[i] = b[i + 1] ^ g[i];
    end
    wire [7:0] b1 = b + 8'd1;

    always @(posedge clk) begin
        if (rst)
            g <= 8'd0;
        else if (en)
            g <= b1 ^ (b1 >> 1);
    end
endmodule
