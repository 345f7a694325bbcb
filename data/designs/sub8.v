// 8-bit subtractor with borrow-in, borrow-out and signed overflow.
module sub8 (
    input  [7:0] a,
    input  [7:0] b,
    input        bin,
    output [7:0] d,
    output       bout,
    output       ovf
);
    wire [8:0] r = {1'b0, a} - {1'b0, b} - {8'b0, bin};

    assign d    = r[7:0];
    assign bout = r[8];
    // signed overflow: operands of different sign and the result's sign differs from a
    assign ovf  = (a[7] ^ b[7]) & (a[7] ^ r[7]);
endmodule
