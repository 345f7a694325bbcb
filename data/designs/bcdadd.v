// One-digit BCD adder with decimal carry.
module bcdadd (
    input  [3:0] a,
    input  [3:0] b,
    input        cin,
    output [3:0] s,
    output       cout
);
    wire [4:0] t = a + b + cin;
    assign cout = t > 5'd9;
    wire [4:0] adj = t + 5'd6;
    assign s = cout ? adj[3:0] : t[3:0];
endmodule
