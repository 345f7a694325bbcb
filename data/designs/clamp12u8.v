// Clamp a signed 12-bit value to the unsigned 8-bit range 0..255.
module clamp12u8 (
    input  [11:0] x,     // two's complement
    output [7:0]  y,
    output        under,
    output        over
);
    assign under = x[11];                      // negative
    assign over  = ~x[11] & (|x[10:8]);        // 256 .. 2047
    assign y = under ? 8'h00 : (over ? 8'hFF : x[7:0]);
endmodule
