// 8-bit reflected Gray code to binary converter.
module gray2bin8 (
    input  [7:0] gray,
    output [7:0] bin
);
    assign bin[7] = gray[7];
    genvar i;
    generate
        for (i = 6; i >= 0; i = i - 1) begin : g
            assign bin[i] = bin[i+1] ^ gray[i];
        end
    endgenerate
endmodule
