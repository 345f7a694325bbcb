// 8-bit ripple-carry adder built from a chain of full adders.
module rca8 (
    input  [7:0] a,
    input  [7:0] b,
    input        cin,
    output [7:0] sum,
    output       cout
);
    wire [7:0] p = a ^ b;     // per-bit propagate (half sum)
    wire [7:0] g = a & b;     // per-bit generate
    wire [8:1] c;             // c[i] = carry into bit i

    // bit 0 takes the external carry-in
    assign sum[0] = p[0] ^ cin;
    assign c[1]   = g[0] | (p[0] & cin);

    genvar i;
    generate
        for (i = 1; i < 8; i = i + 1) begin : fa
            assign sum[i] = p[i] ^ c[i];
            assign c[i+1] = g[i] | (p[i] & c[i]);
        end
    endgenerate

    assign cout = c[8];
endmodule
