// Parity of a 16-bit word computed by a balanced XOR tree.
module parity16 (
    input  [15:0] d,
    output        parity
);
    wire [7:0] x1 = d[15:8] ^ d[7:0];
    wire [3:0] x2 = x1[7:4] ^ x1[3:0];
    wire [1:0] x3 = x2[3:2] ^ x2[1:0];
    assign parity = x3[1] ^ x3[0];
endmodule
