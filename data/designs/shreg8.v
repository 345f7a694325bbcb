// 8-bit serial-in, parallel-out shift register with asynchronous reset.
module shreg8 (
    input            clk,
    input            rst_n,  // asynchronous, active low
    input            en,
    input            sin,
    output reg [7:0] q,
    output           sout
);
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n)
            q <= 8'h00;
        else if (en)
            q <= {q[6:0], sin};
    end

    assign sout = q[7];
endmodule
