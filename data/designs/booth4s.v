// 4x4 signed multiplier with radix-4 (modified) Booth recoding of b.
module booth4s (
    input  [3:0] a,   // two's complement multiplicand
    input  [3:0] b,   // two's complement multiplier
    output [7:0] p    // two's complement product
);
    wire [7:0] am = {{4{a[3]}}, a};   // a sign-extended to 8 bits

    // Booth digit for bits (b1, b0, 0) and (b3, b2, b1): value in {-2..2}
    function [7:0] pp;
        input [2:0] bits;
        input [7:0] m;
        begin
            case (bits)
                3'b001, 3'b010: pp = m;
                3'b011:         pp = m << 1;
                3'b100:         pp = -(m << 1);
                3'b101, 3'b110: pp = -m;
                default:        pp = 8'd0;
            endcase
        end
    endfunction

    wire [7:0] pp0 = pp({b[1:0], 1'b0}, am);
    wire [7:0] pp1 = pp(b[3:1], am);

    assign p = pp0 + (pp1 << 2);
endmodule
