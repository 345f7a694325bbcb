// 4x4 unsigned multiplier: AND partial products reduced by a Wallace tree
// of full and half adders, then one final ripple-carry addition.
module wallace4 (
    input  [3:0] a,
    input  [3:0] b,
    output [7:0] p
);
    wire [3:0] pp0 = a & {4{b[0]}};   // weight 0..3
    wire [3:0] pp1 = a & {4{b[1]}};   // weight 1..4
    wire [3:0] pp2 = a & {4{b[2]}};   // weight 2..5
    wire [3:0] pp3 = a & {4{b[3]}};   // weight 3..6

    // stage 1: reduce rows pp0, pp1, pp2 with full/half adders (carry-save)
    wire s1_1, c1_1, s1_2, c1_2, s1_3, c1_3, s1_4, c1_4;
    assign {c1_1, s1_1} = pp0[1] + pp1[0];                // weight 1
    assign {c1_2, s1_2} = pp0[2] + pp1[1] + pp2[0];       // weight 2
    assign {c1_3, s1_3} = pp0[3] + pp1[2] + pp2[1];       // weight 3
    assign {c1_4, s1_4} = pp1[3] + pp2[2];                // weight 4
    // rows now: sum row {pp2[3](5), s1_4, s1_3, s1_2, s1_1, pp0[0]}
    //           carry row {c1_4(5), c1_3(4), c1_2(3), c1_1(2)}
    //           pp3 at weights 3..6

    // stage 2: reduce the three remaining rows
    wire s2_3, c2_3, s2_4, c2_4, s2_5, c2_5, s2_2, c2_2;
    assign {c2_2, s2_2} = s1_2 + c1_1;                    // weight 2
    assign {c2_3, s2_3} = s1_3 + c1_2 + pp3[0];           // weight 3
    assign {c2_4, s2_4} = s1_4 + c1_3 + pp3[1];           // weight 4
    assign {c2_5, s2_5} = pp2[3] + c1_4 + pp3[2];         // weight 5

    // final carry-propagate addition of two rows
    wire [7:0] row_s = {1'b0, pp3[3], s2_5, s2_4, s2_3, s2_2, s1_1, pp0[0]};
    wire [7:0] row_c = {1'b0, c2_5, c2_4, c2_3, c2_2, 3'b000};
    assign p = row_s + row_c;
endmodule
