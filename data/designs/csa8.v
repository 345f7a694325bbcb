// 8-bit carry-select adder: the upper nibble is computed for both carries.
module csa8 (
    input  [7:0] a,
    input  [7:0] b,
    input        cin,
    output [7:0] sum,
    output       cout
);
    wire [4:0] lo  = {1'b0, a[3:0]} + {1'b0, b[3:0]} + {4'b0000, cin};
    wire [4:0] hi0 = {1'b0, a[7:4]} + {1'b0, b[7:4]};
    wire [4:0] hi1 = {1'b0, a[7:4]} + {1'b0, b[7:4]} + 5'd1;
    wire [4:0] hi  = lo[4] ? hi1 : hi0;

    assign sum  = {hi[3:0], lo[3:0]};
    assign cout = hi[4];
endmodule
