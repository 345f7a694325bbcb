// 8-bit ALU with N, Z, C, V status flags.
module alu8f (
    input      [7:0] a,
    input      [7:0] b,
    input      [2:0] op,
    input            cin,
    output reg [7:0] y,
    output           n,
    output           z,
    output reg       c,
    output reg       v
);
    wire [8:0] add = {1'b0, a} + {1'b0, b} + {8'd0, cin};
    wire [8:0] sub = {1'b0, a} + {1'b0, ~b} + 9'd1;   // c = 1: no borrow

    always @* begin
        c = 1'b0;
        v = 1'b0;
        case (op)
            3'd0: begin   // add with carry
                y = add[7:0]; c = add[8];
                v = (a[7] == b[7]) & (y[7] != a[7]);
            end
            3'd1: begin   // subtract
                y = sub[7:0]; c = sub[8];
                v = (a[7] != b[7]) & (y[7] != a[7]);
            end
            3'd2: y = a & b;
            3'd3: y = a | b;
            3'd4: y = a ^ b;
            3'd5: begin y = {a[6:0], cin}; c = a[7]; end   // shift left through carry
            3'd6: begin y = {cin, a[7:1]}; c = a[0]; end   // shift right through carry
            default: y = b;                                // move
        endcase
    end

    assign n = y[7];
    assign z = (y == 8'd0);
endmodule
