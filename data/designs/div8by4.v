// Combinational restoring divider: 8-bit dividend by 4-bit divisor.
module div8by4 (
    input  [7:0] n,   // dividend
    input  [3:0] d,   // divisor
    output [7:0] q,   // quotient
    output [3:0] r    // remainder
);
    // partial remainders: rem[i] holds the 5-bit remainder after step i
    wire [4:0] rem [0:8];
    assign rem[0] = 5'd0;

    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : step
            wire [4:0] shifted = {rem[i][3:0], n[7 - i]};
            wire [5:0] diff    = {1'b0, shifted} - {2'b00, d};
            assign q[7 - i]  = ~diff[5];                  // shifted >= d
            assign rem[i + 1] = diff[5] ? shifted : diff[4:0];
        end
    endgenerate

    assign r = rem[8][3:0];
endmodule
