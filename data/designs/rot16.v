// 16-bit rotator, left or right by 0..15 positions.
module rot16 (
    input  [15:0] d,
    input  [3:0]  amt,
    input         right,   // 0: rotate left, 1: rotate right
    output [15:0] y
);
    // a right rotation by k is a left rotation by 16 - k
    wire [3:0] k = right ? (4'd0 - amt) : amt;

    wire [15:0] s0 = k[0] ? {d[14:0],  d[15]}     : d;
    wire [15:0] s1 = k[1] ? {s0[13:0], s0[15:14]} : s0;
    wire [15:0] s2 = k[2] ? {s1[11:0], s1[15:12]} : s1;
    assign      y  = k[3] ? {s2[7:0],  s2[15:8]}  : s2;
endmodule
