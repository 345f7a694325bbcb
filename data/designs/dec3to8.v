// 3-to-8 line decoder with active-high enable and one-hot output.
module dec3to8 (
    input  [2:0] a,
    input        en,
    output [7:0] y
);
    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : line
            assign y[i] = en & (a == i);
        end
    endgenerate
endmodule
