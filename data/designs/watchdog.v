// Watchdog timer: must be kicked before an 8-bit programmable timeout expires.
module watchdog (
    input            clk,
    input            arst,     // asynchronous, active high
    input            en,       // watchdog armed
    input            kick,     // restart the countdown
    input      [7:0] timeout,  // cycles allowed between kicks
    output reg       bark,     // sticky: the timeout expired
    output     [7:0] remaining
);
    reg [7:0] cnt;

    always @(posedge clk or posedge arst) begin
        if (arst) begin
            cnt  <= 8'd0;
            bark <= 1'b0;
        end else if (!en || kick) begin
            cnt <= timeout;
        end else if (cnt != 8'd0) begin
            cnt <= cnt - 8'd1;
        end else begin
            bark <= 1'b1;
        end
    end

    assign remaining = cnt;
endmodule
