// 4-bit ALU with eight operations.
module alu4 (
    input      [3:0] a,
    input      [3:0] b,
    input      [2:0] op,
    output reg [3:0] y,
    output reg       cout,
    output           zero
);
    wire [4:0] add = {1'b0, a} + {1'b0, b};
    wire [4:0] sub = {1'b0, a} - {1'b0, b};

    always @* begin
        cout = 1'b0;
        case (op)
            3'b000: begin y = add[3:0]; cout = add[4]; end   // add, carry out
            3'b001: begin y = sub[3:0]; cout = sub[4]; end   // sub, borrow out
            3'b010: y = a & b;
            3'b011: y = a | b;
            3'b100: y = a ^ b;
            3'b101: y = {3'b000, ($signed(a) < $signed(b))};                // set less than, signed
            3'b110: y = {3'b000, (a < b)};                  // set less than, unsigned
            default: y = ~(a | b);                          // nor
        endcase
    end

    assign zero = (y == 4'b0000);
endmodule
