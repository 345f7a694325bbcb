// 8-bit two-level carry-lookahead adder built from two 4-bit lookahead blocks.
module cla8 (
    input  [7:0] a,
    input  [7:0] b,
    input        cin,
    output [7:0] sum,
    output       cout
);
    wire [7:0] g = a & b;
    wire [7:0] p = a ^ b;

    // block 0: bits 3..0
    wire c1 = g[0] | (p[0] & cin);
    wire c2 = g[1] | (p[1] & g[0]) | (p[1] & p[0] & cin);
    wire c3 = g[2] | (p[2] & g[1]) | (p[2] & p[1] & g[0]) | (p[2] & p[1] & p[0] & cin);
    wire G0 = g[3] | (p[3] & g[2]) | (p[3] & p[2] & g[1]) | (p[3] & p[2] & p[1] & g[0]);
    wire P0 = &p[3:0];
    wire c4 = G0 | (P0 & cin);

    // block 1: bits 7..4
    wire c5 = g[4] | (p[4] & c4);
    wire c6 = g[5] | (p[5] & g[4]) | (p[5] & p[4] & c4);
    wire c7 = g[6] | (p[6] & g[5]) | (p[6] & p[5] & g[4]) | (p[6] & p[5] & p[4] & c4);
    wire G1 = g[7] | (p[7] & g[6]) | (p[7] & p[6] & g[5]) | (p[7] & p[6] & p[5] & g[4]);
    wire P1 = &p[7:4];

    // second level: carry out from the two group signals
    assign cout = G1 | (P1 & G0) | (P1 & P0 & cin);
    assign sum  = p ^ {c7, c6, c5, c4, c3, c2, c1, cin};
endmodule
