// 8-bit binary to reflected Gray code converter.
module bin2gray8 (
    input  [7:0] bin,
    output [7:0] gray
);
    assign gray = bin ^ (bin >> 1);
endmodule
