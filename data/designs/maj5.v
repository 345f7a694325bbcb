// 5-input majority gate.
module maj5 (
    input  [4:0] x,
    output       y
);
    wire [2:0] ones = x[0] + x[1] + x[2] + x[3] + x[4];
    assign y = (ones >= 3'd3);
endmodule
