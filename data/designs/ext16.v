// Sign/zero extension of a 4-, 8-, 12- or 16-bit field to 16 bits.
module ext16 (
    input  [15:0] d,
    input  [1:0]  size,   // field width 4 * (size + 1)
    input         sgn,    // 1: sign-extend, 0: zero-extend
    output [15:0] y
);
    // sign bit of the field
    reg s;
    always @* begin
        case (size)
            2'd0: s = d[3];
            2'd1: s = d[7];
            2'd2: s = d[11];
            default: s = d[15];
        endcase
    end
    wire fill = sgn & s;

    assign y[3:0]   = d[3:0];
    assign y[7:4]   = (size >= 2'd1) ? d[7:4]   : {4{fill}};
    assign y[11:8]  = (size >= 2'd2) ? d[11:8]  : {4{fill}};
    assign y[15:12] = (size == 2'd3) ? d[15:12] : {4{fill}};
endmodule
