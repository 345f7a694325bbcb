// Population count of a 16-bit word using a tree of adders.
module popcount16 (
    input  [15:0] d,
    output [4:0]  cnt
);
    // level 1: eight 2-bit sums of bit pairs
    wire [15:0] s1;
    // level 2: four 3-bit sums
    wire [11:0] s2;
    // level 3: two 4-bit sums
    wire [7:0]  s3;

    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : l1
            assign s1[2*i +: 2] = {1'b0, d[2*i]} + {1'b0, d[2*i+1]};
        end
        for (i = 0; i < 4; i = i + 1) begin : l2
            assign s2[3*i +: 3] = {1'b0, s1[4*i +: 2]} + {1'b0, s1[4*i+2 +: 2]};
        end
        for (i = 0; i < 2; i = i + 1) begin : l3
            assign s3[4*i +: 4] = {1'b0, s2[6*i +: 3]} + {1'b0, s2[6*i+3 +: 3]};
        end
    endgenerate

    assign cnt = {1'b0, s3[3:0]} + {1'b0, s3[7:4]};
endmodule
