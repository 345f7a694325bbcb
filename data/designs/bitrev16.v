// Bit and byte reordering unit.
module bitrev16 (
    input      [15:0] d,
    input      [1:0]  mode,
    output reg [15:0] y
);
    integer i;
    always @* begin
        case (mode)
            2'd0: y = d;                                     // pass through
            2'd1: for (i = 0; i < 16; i = i + 1) y[i] = d[15 - i];   // reverse all bits
            2'd2: y = {d[7:0], d[15:8]};                     // swap bytes
            default: for (i = 0; i < 8; i = i + 1) begin     // reverse bits in each byte
                y[i]     = d[7 - i];
                y[8 + i] = d[15 - i];
            end
        endcase
    end
endmodule
