// One-hot to binary encoder with a one-hot validity check.
module onehot2bin16 (
    input  [15:0] oh,
    output [3:0]  idx,
    output        valid   // exactly one bit of oh is set
);
    // OR-based encoder: idx bit k is the OR of the inputs whose index has bit k set
    assign idx[0] = |(oh & 16'hAAAA);
    assign idx[1] = |(oh & 16'hCCCC);
    assign idx[2] = |(oh & 16'hF0F0);
    assign idx[3] = |(oh & 16'hFF00);

    // no bit set, or at least two bits set
    reg seen, multi;
    integer i;
    always @* begin
        seen = 1'b0;
        multi = 1'b0;
        for (i = 0; i < 16; i = i + 1) begin
            multi = multi | (seen & oh[i]);
            seen  = seen | oh[i];
        end
    end
    assign valid = seen & ~multi;
endmodule
