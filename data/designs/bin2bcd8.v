// 8-bit binary to three BCD digits by the double-dabble (shift-and-add-3) method.
module bin2bcd8 (
    input  [7:0] bin,
    output [3:0] hundreds,   // 0..2
    output [3:0] tens,
    output [3:0] ones
);
    reg [19:0] sh;   // {hundreds, tens, ones, bin}
    integer i;
    always @* begin
        sh = {12'd0, bin};
        for (i = 0; i < 8; i = i + 1) begin
            if (sh[11:8]  >= 4'd5) sh[11:8]  = sh[11:8]  + 4'd3;
            if (sh[15:12] >= 4'd5) sh[15:12] = sh[15:12] + 4'd3;
            if (sh[19:16] >= 4'd5) sh[19:16] = sh[19:16] + 4'd3;
            sh = sh << 1;
        end
    end
    assign hundreds = sh[19:16];
    assign tens     = sh[15:12];
    assign ones     = sh[11:8];
endmodule
