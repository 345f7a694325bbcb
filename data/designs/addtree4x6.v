// Adder tree: sum of four 6-bit unsigned numbers.
module addtree4x6 (
    input  [5:0] a,
    input  [5:0] b,
    input  [5:0] c,
    input  [5:0] d,
    output [7:0] s
);
    wire [6:0] ab = a + b;
    wire [6:0] cd = c + d;
    assign s = ab + cd;
endmodule
