// 8-bit Johnson (twisted-ring) counter with asynchronous reset.
module johnson8 (
    input            clk,
    input            arst_n,   // asynchronous, active low
    input            en,
    output reg [7:0] q,
    output           phase0    // q is all zeros
);
    always @(posedge clk or negedge arst_n) begin
        if (!arst_n)
            q <= 8'd0;
        else if (en)
            q <= {q[6:0], ~q[7]};
    end
    assign phase0 = (q == 8'd0);
endmodule
