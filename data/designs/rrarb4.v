// 4-requester round-robin arbiter; the last winner gets the lowest priority.
module rrarb4 (
    input            clk,
    input            rst,     // synchronous, active high
    input      [3:0] req,
    output reg [3:0] gnt      // one-hot grant for this cycle, combinational
);
    reg [1:0] last;           // index of the most recent grant

    // search order starts just after the last winner
    reg [1:0] idx;
    reg       found;
    integer k;
    always @* begin
        gnt = 4'b0000;
        found = 1'b0;
        idx = 2'd0;
        for (k = 1; k <= 4; k = k + 1) begin
            if (!found && req[(last + k) % 4]) begin
                found = 1'b1;
                idx = (last + k) % 4;
            end
        end
        if (found) gnt[idx] = 1'b1;
    end

    always @(posedge clk) begin
        if (rst)
            last <= 2'd3;     // after reset requester 0 has the highest priority
        else if (found)
            last <= idx;
    end
endmodule
