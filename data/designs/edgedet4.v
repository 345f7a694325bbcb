// Rising/falling edge detector for four synchronous inputs.
module edgedet4 (
    input        clk,
    input        arst,    // asynchronous, active high
    input  [3:0] din,
    output [3:0] rise,
    output [3:0] fall
);
    reg [3:0] prev;

    always @(posedge clk or posedge arst) begin
        if (arst)
            prev <= 4'd0;
        else
            prev <= din;
    end

    assign rise = din & ~prev;
    assign fall = ~din & prev;
endmodule
