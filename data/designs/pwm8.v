// 8-bit PWM generator; the duty cycle is sampled at the start of each period.
module pwm8 (
    input      clk,
    input      rst,         // synchronous, active high
    input      [7:0] duty,  // high time in cycles out of 256
    output     pwm,
    output     period       // 1 in the first cycle of each period
);
    reg [7:0] cnt;
    reg [7:0] cur;          // duty value in use for this period

    always @(posedge clk) begin
        if (rst) begin
            cnt <= 8'd0;
            cur <= 8'd0;
        end else begin
            cnt <= cnt + 8'd1;
            if (cnt == 8'd255)
                cur <= duty;
        end
    end

    assign pwm    = cnt < cur;
    assign period = cnt == 8'd0;
endmodule
