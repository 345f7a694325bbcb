// 16-bit incrementer / decrementer with wrap flag.
module inc16 (
    input  [15:0] a,
    input         dec,    // 0: a + 1, 1: a - 1
    output [15:0] y,
    output        wrap
);
    assign y    = dec ? a - 16'd1 : a + 16'd1;
    assign wrap = dec ? (a == 16'h0000) : (a == 16'hFFFF);
endmodule
