// Hamming(7,4) encoder, codeword bit positions 1..7 = p1 p2 d0 p4 d1 d2 d3.
module ham74enc (
    input  [3:0] d,
    output [6:0] c    // c[0] is position 1, c[6] is position 7
);
    wire p1 = d[0] ^ d[1] ^ d[3];   // covers positions 3, 5, 7
    wire p2 = d[0] ^ d[2] ^ d[3];   // covers positions 3, 6, 7
    wire p4 = d[1] ^ d[2] ^ d[3];   // covers positions 5, 6, 7
    assign c = {d[3], d[2], d[1], p4, d[0], p2, p1};
endmodule
