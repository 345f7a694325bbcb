// Per-byte parity generator for a 32-bit word, even or odd.
module bytepar32 (
    input  [31:0] d,
    input         odd,   // 1: odd parity, 0: even parity
    output [3:0]  p,     // p[i] covers byte i
    output        all    // parity over the whole word
);
    assign p[0] = ^d[7:0]   ^ odd;
    assign p[1] = ^d[15:8]  ^ odd;
    assign p[2] = ^d[23:16] ^ odd;
    assign p[3] = ^d[31:24] ^ odd;
    assign all  = ^d ^ odd;
endmodule
