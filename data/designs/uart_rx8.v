// UART-style serial receiver sampling once per baud tick.
module uart_rx8 (
    input            clk,
    input            rst,      // synchronous, active high
    input            tick,     // sample point of one bit period
    input            rxd,
    output reg [7:0] data,
    output reg       valid,    // one-cycle pulse: data holds a new byte
    output reg       ferr      // one-cycle pulse: stop bit was 0
);
    reg [3:0] cnt;             // 0: idle; 1..8: data bits to come; 9: stop bit
    reg [7:0] sh;

    always @(posedge clk) begin
        if (rst) begin
            cnt   <= 4'd0;
            sh    <= 8'd0;
            data  <= 8'd0;
            valid <= 1'b0;
            ferr  <= 1'b0;
        end else begin
            valid <= 1'b0;
            ferr  <= 1'b0;
            if (tick) begin
                if (cnt == 4'd0) begin
                    if (!rxd) cnt <= 4'd1;          // start bit
                end else if (cnt != 4'd9) begin
                    sh  <= {rxd, sh[7:1]};          // LSB first
                    cnt <= cnt + 4'd1;
                end else begin
                    cnt <= 4'd0;
                    if (rxd) begin
                        data  <= sh;
                        valid <= 1'b1;
                    end else
                        ferr <= 1'b1;
                end
            end
        end
    end
endmodule
