// 8:1 multiplexer built as a three-level tree of 2:1 multiplexers.
module mux8 (
    input  [7:0] d,
    input  [2:0] sel,
    output       y
);
    // level 1: select with sel[0]
    wire [3:0] l1;
    assign l1[0] = sel[0] ? d[1] : d[0];
    assign l1[1] = sel[0] ? d[3] : d[2];
    assign l1[2] = sel[0] ? d[5] : d[4];
    assign l1[3] = sel[0] ? d[7] : d[6];
    // level 2: select with sel[1]
    wire [1:0] l2;
    assign l2[0] = sel[1] ? l1[1] : l1[0];
    assign l2[1] = sel[1] ? l1[3] : l1[2];
    // level 3: select with sel[2]
    assign y = sel[2] ? l2[1] : l2[0];
endmodule
