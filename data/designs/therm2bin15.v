// Thermometer code to binary with bubble detection.
module therm2bin15 (
    input  [14:0] t,     // valid codes: t = 2^k - 1 (k ones at the bottom)
    output [3:0]  n,
    output        bubble
);
    // n = (index of the highest 1) + 1, 0 when t is zero
    reg [3:0] top;
    integer i;
    always @* begin
        top = 4'd0;
        for (i = 0; i < 15; i = i + 1)
            if (t[i]) top = i + 1;
    end
    assign n = top;

    // a valid code has no 0 below a 1: t & ~(t >> 1) ... i.e. t[i+1] implies t[i]
    assign bubble = |(t[14:1] & ~t[13:0]);
endmodule
