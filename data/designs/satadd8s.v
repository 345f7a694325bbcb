// 8-bit signed saturating adder.
module satadd8s (
    input  [7:0] a,
    input  [7:0] b,
    output [7:0] y,
    output       sat
);
    wire [7:0] s = a + b;
    // overflow: operands have the same sign and the sum's sign differs
    wire pos_ovf = ~a[7] & ~b[7] &  s[7];
    wire neg_ovf =  a[7] &  b[7] & ~s[7];

    assign y   = pos_ovf ? 8'h7F : (neg_ovf ? 8'h80 : s);
    assign sat = pos_ovf | neg_ovf;
endmodule
