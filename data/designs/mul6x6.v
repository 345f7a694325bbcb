// 6x6 unsigned array multiplier: AND-gate partial products summed by
// rows of ripple-carry full adders.
module mul6x6 (
    input  [5:0] a,
    input  [5:0] b,
    output [11:0] p
);
    localparam N = 6;

    wire [N*N-1:0]     pp;        // pp[N*r + j] = a[j] & b[r]
    wire [(N+1)*N-1:0] x;         // row r result: {carry, sum[N-1:0]}
    wire [(N+1)*N-1:0] cc;        // row r carry chain

    genvar r, j;
    generate
        for (r = 0; r < N; r = r + 1) begin : ppr
            for (j = 0; j < N; j = j + 1) begin : ppc
                assign pp[N*r + j] = a[j] & b[r];
            end
        end

        // row 0: the first partial product, no addition
        assign x[N:0] = {1'b0, pp[N-1:0]};

        for (r = 1; r < N; r = r + 1) begin : row
            wire [N-1:0] opa = x[(N+1)*(r-1)+1 +: N];   // previous row shifted right
            wire [N-1:0] opb = pp[N*r +: N];
            assign cc[(N+1)*r] = 1'b0;
            for (j = 0; j < N; j = j + 1) begin : fa
                wire s = opa[j] ^ opb[j];
                assign x[(N+1)*r + j]      = s ^ cc[(N+1)*r + j];
                assign cc[(N+1)*r + j + 1] = (opa[j] & opb[j]) | (s & cc[(N+1)*r + j]);
            end
            assign x[(N+1)*r + N] = cc[(N+1)*r + N];
        end

        for (r = 0; r < N; r = r + 1) begin : lowbits
            assign p[r] = x[(N+1)*r];
        end
    endgenerate

    assign p[2*N-1:N] = x[(N+1)*(N-1)+1 +: N];
endmodule
