// 8-request fixed-priority arbiter with one-hot grant and request mask.
module arb8fp (
    input  [7:0] req,
    input  [7:0] mask,   // 1: request i may be granted
    output [7:0] gnt,    // one-hot, lowest masked-in index wins
    output       busy
);
    wire [7:0] r = req & mask;
    // r & -r isolates the lowest set bit
    assign gnt  = r & (~r + 8'd1);
    assign busy = |r;
endmodule
