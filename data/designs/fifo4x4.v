// 4-deep x 4-bit synchronous FIFO with full/empty flags (first-word fall-through).
module fifo4x4 (
    input        clk,
    input        rst,      // synchronous, active high: empties the FIFO
    input        push,
    input  [3:0] din,
    input        pop,
    output [3:0] dout,     // oldest entry, valid when empty = 0
    output       full,
    output       empty,
    output [2:0] count
);
    reg [3:0] mem0, mem1, mem2, mem3;
    reg [1:0] rd, wr;
    reg [2:0] n;

    wire do_push = push & ~full;
    wire do_pop  = pop & ~empty;

    always @(posedge clk) begin
        if (rst) begin
            rd <= 2'd0;
            wr <= 2'd0;
            n  <= 3'd0;
        end else begin
            if (do_push) begin
                case (wr)
                    2'd0: mem0 <= din;
                    2'd1: mem1 <= din;
                    2'd2: mem2 <= din;
                    default: mem3 <= din;
                endcase
                wr <= wr + 2'd1;
            end
            if (do_pop)
                rd <= rd + 2'd1;
            n <= n + {2'b00, do_push} - {2'b00, do_pop};
        end
    end

    assign dout  = (rd == 2'd0) ? mem0 : (rd == 2'd1) ? mem1 : (rd == 2'd2) ? mem2 : mem3;
    assign full  = n == 3'd4;
    assign empty = n == 3'd0;
    assign count = n;
endmodule
