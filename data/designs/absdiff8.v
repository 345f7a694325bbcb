// Absolute difference of two unsigned 8-bit numbers.
module absdiff8 (
    input  [7:0] a,
    input  [7:0] b,
    output [7:0] d
);
    wire [8:0] diff = {1'b0, a} - {1'b0, b};
    wire       neg  = diff[8];            // borrow: a < b
    assign d = neg ? (b - a) : diff[7:0];
endmodule
