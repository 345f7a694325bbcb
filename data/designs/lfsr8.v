// 8-bit maximal-length Fibonacci LFSR, taps 8,6,5,4
// (x^8 + x^6 + x^5 + x^4 + 1), period 255.
module lfsr8 (
    input            clk,
    input            rst,    // synchronous, active high: load seed 0x01
    input            en,
    output reg [7:0] q
);
    wire fb = q[7] ^ q[5] ^ q[4] ^ q[3];

    always @(posedge clk) begin
        if (rst)
            q <= 8'h01;
        else if (en)
            q <= {q[6:0], fb};
    end
endmodule
