// 8-bit logarithmic barrel shifter: three stages shifting by 1, 2 and 4.
// mode: 00 = shift left logical, 01 = shift right logical,
//       10 = shift right arithmetic, 11 = rotate left.
module barrel8 (
    input  [7:0] d,
    input  [2:0] amt,
    input  [1:0] mode,
    output [7:0] y
);
    wire left = (mode == 2'b00) | (mode == 2'b11);
    wire rot  = (mode == 2'b11);
    wire sign = (mode == 2'b10) & d[7];

    // stage 1: shift by 1
    wire [7:0] s1 = amt[0] ? (left ? {d[6:0], rot ? d[7] : 1'b0}
                                   : {sign, d[7:1]})
                           : d;

    // stage 2: shift by 2
    wire [7:0] l2 = {s1[5:0], rot ? s1[7:6] : 2'b00};
    wire [7:0] r2 = {{2{sign}}, s1[7:2]};
    wire [7:0] s2 = amt[1] ? (left ? l2 : r2) : s1;

    // stage 3: shift by 4
    wire [7:0] l4 = {s2[3:0], rot ? s2[7:4] : 4'b0000};
    wire [7:0] r4 = {{4{sign}}, s2[7:4]};
    assign y = amt[2] ? (left ? l4 : r4) : s2;
endmodule
