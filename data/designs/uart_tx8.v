// UART-style serial transmitter: 8 data bits, LSB first, 1 start and 1 stop bit.
module uart_tx8 (
    input        clk,
    input        rst,      // synchronous, active high
    input        tick,     // one bit period has passed (baud enable)
    input        start,    // load data and begin a frame when idle
    input  [7:0] data,
    output       txd,
    output       busy
);
    reg [8:0] sh;          // {data, start bit} still to send; sh[0] is on the line
    reg [3:0] cnt;         // bits left in the frame, 0 when idle
    reg       line;

    always @(posedge clk) begin
        if (rst) begin
            sh   <= 9'h1FF;
            cnt  <= 4'd0;
            line <= 1'b1;
        end else if (cnt == 4'd0) begin
            line <= 1'b1;
            if (start) begin
                sh  <= {data, 1'b0};
                cnt <= 4'd10;      // start + 8 data + stop
            end
        end else if (tick) begin
            line <= sh[0];
            sh   <= {1'b1, sh[8:1]};   // ones shift in: the stop bit
            cnt  <= cnt - 4'd1;
        end
    end

    assign txd  = line;
    assign busy = cnt != 4'd0;
endmodule
