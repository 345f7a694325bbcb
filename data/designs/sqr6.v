// 6-bit unsigned squarer.
module sqr6 (
    input  [5:0]  x,
    output [11:0] y
);
    // x^2 = sum_i x_i 4^i + sum_{i<j} x_i x_j 2^(i+j+1)
    reg [11:0] acc;
    integer i, j;
    always @* begin
        acc = 12'd0;
        for (i = 0; i < 6; i = i + 1) begin
            acc = acc + ({11'd0, x[i]} << (2 * i));
            for (j = i + 1; j < 6; j = j + 1)
                acc = acc + ({11'd0, x[i] & x[j]} << (i + j + 1));
        end
    end
    assign y = acc;
endmodule
