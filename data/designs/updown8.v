// 8-bit up/down counter with parallel load and terminal-count flag.
module updown8 (
    input            clk,
    input            arst,   // asynchronous, active high
    input            load,
    input      [7:0] d,
    input            en,
    input            up,     // 1: count up, 0: count down
    output reg [7:0] q,
    output           tc      // the next enabled count wraps around
);
    always @(posedge clk or posedge arst) begin
        if (arst)
            q <= 8'd0;
        else if (load)
            q <= d;
        else if (en)
            q <= up ? q + 8'd1 : q - 8'd1;
    end
    assign tc = en & (up ? (q == 8'hFF) : (q == 8'h00));
endmodule
