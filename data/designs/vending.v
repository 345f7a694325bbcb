// Vending machine: item costs 15 cents, accepts nickels and dimes, gives change.
module vending (
    input      clk,
    input      rst,        // synchronous, active high
    input      nickel,     // a 5-cent coin this cycle
    input      dime,       // a 10-cent coin this cycle (ignored if nickel is also 1)
    output reg vend,       // one-cycle pulse: item dispensed
    output reg change      // one-cycle pulse with vend: return 5 cents
);
    localparam S0 = 2'd0, S5 = 2'd1, S10 = 2'd2;
    reg [1:0] state;

    always @(posedge clk) begin
        if (rst) begin
            state  <= S0;
            vend   <= 1'b0;
            change <= 1'b0;
        end else begin
            vend   <= 1'b0;
            change <= 1'b0;
            case (state)
                S0:  if (nickel) state <= S5;
                     else if (dime) state <= S10;
                S5:  if (nickel) state <= S10;
                     else if (dime) begin state <= S0; vend <= 1'b1; end
                S10: if (nickel) begin state <= S0; vend <= 1'b1; end
                     else if (dime) begin state <= S0; vend <= 1'b1; change <= 1'b1; end
                default: state <= S0;
            endcase
        end
    end
endmodule
