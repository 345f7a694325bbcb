// Window comparator: is x within [lo, hi]? (unsigned or signed)
module inrange8 (
    input  [7:0] x,
    input  [7:0] lo,
    input  [7:0] hi,
    input        sgn,    // 1: compare as two's complement
    output       below,
    output       above,
    output       inside
);
    // flipping the sign bits turns a signed comparison into an unsigned one
    wire [7:0] xs = {x[7]  ^ sgn, x[6:0]};
    wire [7:0] ls = {lo[7] ^ sgn, lo[6:0]};
    wire [7:0] hs = {hi[7] ^ sgn, hi[6:0]};

    assign below  = xs < ls;
    assign above  = xs > hs;
    assign inside = ~below & ~above;
endmodule
