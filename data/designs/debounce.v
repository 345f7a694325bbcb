// Switch debouncer: the output follows the input after 16 stable cycles.
module debounce (
    input      clk,
    input      rst,    // synchronous, active high
    input      din,
    output reg dout
);
    reg [3:0] cnt;     // cycles the input has differed from the output

    always @(posedge clk) begin
        if (rst) begin
            dout <= 1'b0;
            cnt  <= 4'd0;
        end else if (din == dout) begin
            cnt <= 4'd0;
        end else if (cnt == 4'd15) begin
            dout <= din;
            cnt  <= 4'd0;
        end else begin
            cnt <= cnt + 4'd1;
        end
    end
endmodule
