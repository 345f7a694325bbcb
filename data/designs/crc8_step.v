// One byte of CRC-8 computed in parallel.
// Polynomial x^8 + x^2 + x + 1 (0x07), data bits taken MSB first,
// no reflection, no final XOR.
module crc8_step (
    input  [7:0] crc_in,
    input  [7:0] data,
    output [7:0] crc_out
);
    function [7:0] crc8_byte;
        input [7:0] c;
        input [7:0] d;
        integer i;
        reg [7:0] r;
        begin
            r = c;
            for (i = 7; i >= 0; i = i - 1)
                r = {r[6:0], 1'b0} ^ ((r[7] ^ d[i]) ? 8'h07 : 8'h00);
            crc8_byte = r;
        end
    endfunction

    assign crc_out = crc8_byte(crc_in, data);
endmodule
