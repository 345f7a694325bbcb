// Leading-zero counter for a 16-bit word.
module lzc16 (
    input      [15:0] d,
    output reg [4:0]  cnt
);
    integer i;
    reg found;
    always @* begin
        cnt   = 5'd0;
        found = 1'b0;
        for (i = 15; i >= 0; i = i - 1) begin
            if (!found) begin
                if (d[i])
                    found = 1'b1;
                else
                    cnt = cnt + 5'd1;
            end
        end
    end
endmodule
