// 6-bit signed (two's complement) magnitude comparator.
module cmp6s (
    input  [5:0] a,
    input  [5:0] b,
    output       lt,
    output       eq,
    output       gt
);
    assign lt = ($signed(a) < $signed(b));
    assign eq = (a == b);
    assign gt = ($signed(a) > $signed(b));
endmodule
