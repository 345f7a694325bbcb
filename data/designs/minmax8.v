// Minimum and maximum of two unsigned 8-bit numbers.
module minmax8 (
    input  [7:0] a,
    input  [7:0] b,
    output [7:0] mn,
    output [7:0] mx
);
    wire a_lt_b = (a < b);
    assign mn = a_lt_b ? a : b;
    assign mx = a_lt_b ? b : a;
endmodule
