// Triple-modular-redundancy voter for 4-bit words.
module voter3x4 (
    input  [3:0] a,
    input  [3:0] b,
    input  [3:0] c,
    output [3:0] y,
    output       mismatch
);
    assign y        = (a & b) | (a & c) | (b & c);   // bitwise majority
    assign mismatch = |((a ^ b) | (a ^ c));          // some copy disagrees
endmodule
