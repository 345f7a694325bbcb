// 16:1 multiplexer as a four-level 2:1 mux tree.
module mux16 (
    input  [15:0] d,
    input  [3:0]  sel,
    output        y
);
    wire [7:0] l1;
    wire [3:0] l2;
    wire [1:0] l3;

    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : s1
            assign l1[i] = sel[0] ? d[2*i+1] : d[2*i];
        end
        for (i = 0; i < 4; i = i + 1) begin : s2
            assign l2[i] = sel[1] ? l1[2*i+1] : l1[2*i];
        end
        for (i = 0; i < 2; i = i + 1) begin : s3
            assign l3[i] = sel[2] ? l2[2*i+1] : l2[2*i];
        end
    endgenerate

    assign y = sel[3] ? l3[1] : l3[0];
endmodule
