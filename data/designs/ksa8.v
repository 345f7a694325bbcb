// 8-bit Kogge-Stone parallel-prefix adder with carry-in.
module ksa8 (
    input  [7:0] a,
    input  [7:0] b,
    input        cin,
    output [7:0] sum,
    output       cout
);
    wire [7:0] p0 = a ^ b;   // propagate (half sum) per bit
    wire [7:0] g0 = a & b;   // generate per bit

    // Prefix levels with spans 1, 2 and 4: after level k, (gK[i], pK[i])
    // is the group generate/propagate of bits max(0, i-2^k+1) .. i.
    wire [7:0] g1, p1, g2, p2, g3, p3;

    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : pfx
            if (i >= 1) begin : s1
                assign g1[i] = g0[i] | (p0[i] & g0[i-1]);
                assign p1[i] = p0[i] & p0[i-1];
            end else begin : s1n
                assign g1[i] = g0[i];
                assign p1[i] = p0[i];
            end
            if (i >= 2) begin : s2
                assign g2[i] = g1[i] | (p1[i] & g1[i-2]);
                assign p2[i] = p1[i] & p1[i-2];
            end else begin : s2n
                assign g2[i] = g1[i];
                assign p2[i] = p1[i];
            end
            if (i >= 4) begin : s4
                assign g3[i] = g2[i] | (p2[i] & g2[i-4]);
                assign p3[i] = p2[i] & p2[i-4];
            end else begin : s4n
                assign g3[i] = g2[i];
                assign p3[i] = p2[i];
            end
        end
    endgenerate

    // carry out of bits 0..i, including the carry-in
    wire [7:0] c = g3 | (p3 & {8{cin}});

    assign sum  = p0 ^ {c[6:0], cin};
    assign cout = c[7];
endmodule
