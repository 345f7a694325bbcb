// 32-entry sine lookup table, 8-bit unsigned samples.
module rom_sin32 (
    input      [4:0] addr,
    output reg [7:0] y
);
    always @* begin
        case (addr)
            5'd0: y = 8'd128;
            5'd1: y = 8'd152;
            5'd2: y = 8'd176;
            5'd3: y = 8'd198;
            5'd4: y = 8'd218;
            5'd5: y = 8'd234;
            5'd6: y = 8'd245;
            5'd7: y = 8'd253;
            5'd8: y = 8'd255;
            5'd9: y = 8'd253;
            5'd10: y = 8'd245;
            5'd11: y = 8'd234;
            5'd12: y = 8'd218;
            5'd13: y = 8'd198;
            5'd14: y = 8'd176;
            5'd15: y = 8'd152;
            5'd16: y = 8'd128;
            5'd17: y = 8'd103;
            5'd18: y = 8'd79;
            5'd19: y = 8'd57;
            5'd20: y = 8'd37;
            5'd21: y = 8'd21;
            5'd22: y = 8'd10;
            5'd23: y = 8'd2;
            5'd24: y = 8'd0;
            5'd25: y = 8'd2;
            5'd26: y = 8'd10;
            5'd27: y = 8'd21;
            5'd28: y = 8'd37;
            5'd29: y = 8'd57;
            5'd30: y = 8'd79;
            5'd31: y = 8'd103;
        endcase
    end
endmodule
