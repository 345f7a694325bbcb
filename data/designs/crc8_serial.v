// Bit-serial CRC-8 (polynomial 0x07) register, MSB-first input.
module crc8_serial (
    input            clk,
    input            rst,    // synchronous, active high: clears the CRC
    input            en,     // shift in din when high
    input            din,
    output reg [7:0] crc
);
    wire fb = crc[7] ^ din;

    always @(posedge clk) begin
        if (rst)
            crc <= 8'h00;
        else if (en)
            crc <= {crc[6:0], 1'b0} ^ (fb ? 8'h07 : 8'h00);
    end
endmodule
