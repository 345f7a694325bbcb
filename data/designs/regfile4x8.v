// 4-entry x 8-bit register file: one write port, two combinational read ports.
module regfile4x8 (
    input        clk,
    input        rst,     // synchronous, active high: clears all entries
    input        we,
    input  [1:0] waddr,
    input  [7:0] wdata,
    input  [1:0] raddr_a,
    input  [1:0] raddr_b,
    output [7:0] rdata_a,
    output [7:0] rdata_b
);
    reg [7:0] r0, r1, r2, r3;

    always @(posedge clk) begin
        if (rst) begin
            r0 <= 8'd0; r1 <= 8'd0; r2 <= 8'd0; r3 <= 8'd0;
        end else if (we) begin
            case (waddr)
                2'd0: r0 <= wdata;
                2'd1: r1 <= wdata;
                2'd2: r2 <= wdata;
                default: r3 <= wdata;
            endcase
        end
    end

    function [7:0] pick;
        input [1:0] a;
        input [7:0] x0, x1, x2, x3;
        case (a)
            2'd0: pick = x0;
            2'd1: pick = x1;
            2'd2: pick = x2;
            default: pick = x3;
        endcase
    endfunction

    assign rdata_a = pick(raddr_a, r0, r1, r2, r3);
    assign rdata_b = pick(raddr_b, r0, r1, r2, r3);
endmodule
