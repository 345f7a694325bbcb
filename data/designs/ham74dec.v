// Hamming(7,4) decoder with single-error correction.
module ham74dec (
    input  [6:0] c,    // c[0] is position 1, c[6] is position 7
    output [3:0] d,
    output [2:0] syn,  // position of the flipped bit, 0 if none
    output       err
);
    assign syn[0] = c[0] ^ c[2] ^ c[4] ^ c[6];   // positions 1, 3, 5, 7
    assign syn[1] = c[1] ^ c[2] ^ c[5] ^ c[6];   // positions 2, 3, 6, 7
    assign syn[2] = c[3] ^ c[4] ^ c[5] ^ c[6];   // positions 4, 5, 6, 7
    assign err = |syn;

    // flip the bit at position syn (1..7)
    wire [7:0] fix = 8'b00000001 << syn;   // fix[0] set when there is no error
    wire [6:0] cc  = c ^ fix[7:1];
    assign d = {cc[6], cc[5], cc[4], cc[2]};
endmodule
