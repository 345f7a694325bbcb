"""``circuitlab synth`` and ``circuitlab pipeline`` on designs that cannot be
synthesised: one line on stderr naming the file, exit status 2, no output."""

from __future__ import annotations

import json

import pytest

from circuitlab.cli import main

BUF = "module {name}(input a, output y);\n  assign y = {expr};\nendmodule\n"

CASES = {
    # name -> (files, extra arguments, what the line says after "<file>")
    "empty_file": ({"x.v": ""}, [], ": no module found"),
    "empty_body": ({"x.v": "module m;\nendmodule\n"}, [], ":1: module m is empty"),
    "empty_body_top": ({"x.v": "module m;\nendmodule\n"}, ["--top", "m"],
                       ":1: module m is empty"),
    "no_outputs": ({"x.v": "module m(input a);\n  wire b = a;\nendmodule\n"}, ["--top", "m"],
                   ":1: module m has no outputs"),
    "unknown_top": ({"x.v": BUF.format(name="m", expr="a")}, ["--top", "nosuch"],
                    ": no module named 'nosuch'; modules in the design: m"),
    "missing_include": ({"x.v": "`include \"absent.vh\"\n" + BUF.format(name="m", expr="a")},
                        [], ":1: cannot open include file 'absent.vh'"),
    "loop": ({"x.v": "module m(input a, output y);\n  wire p;\n  assign p = ~p ^ a;\n"
                     "  assign y = p;\nendmodule\n"}, [], ":3: combinational logic loop"),
    "duplicate": ({"x.v": BUF.format(name="m", expr="a"), "y.v": BUF.format(name="m", expr="~a")},
                  [], ":1: module m is defined twice"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_synth_error_is_one_line_naming_the_file(tmp_path, capsys, case):
    files, extra, says = CASES[case]
    paths = []
    for name, text in files.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(text)
    out = tmp_path / "out" / "x.aig"
    out.parent.mkdir()
    assert main(["synth", *map(str, paths), "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    blamed = paths[-1] if case == "duplicate" else paths[0]
    assert f"{blamed}{says}" in err
    assert list(out.parent.iterdir()) == []


def test_synth_warns_about_other_roots_and_prints_the_top(tmp_path, capsys):
    src = tmp_path / "two.v"
    src.write_text(BUF.format(name="r1", expr="a") + BUF.format(name="r2", expr="~a"))
    out = tmp_path / "two.aag"
    assert main(["synth", str(src), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("(top r1)")
    (warning,) = captured.err.strip().splitlines()
    assert warning.startswith("circuitlab synth: warning: r1 (") and "r2 (" in warning
    assert main(["synth", str(src), "-o", str(out), "--top", "r2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("(top r2)") and captured.err == ""


def test_pipeline_chooses_the_top_as_synth_does(tmp_path, capsys):
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "renamed.v").write_text(
        "module inner(input a, b, output y); assign y = a & b; endmodule\n"
        "module outer(input a, b, output y); inner u(.a(a), .b(b), .y(y)); endmodule\n")
    (designs / "hollow.v").write_text("module hollow(input a, output y);\nendmodule\n")
    out = tmp_path / "o"
    status = main(["pipeline", "--designs", str(designs), "--out", str(out), "--jobs", "1",
                   "--no-progress", "--no-transformer"])
    text = capsys.readouterr().out
    assert status == 1   # hollow.v fails
    rows = {r["design"]: r for r in map(json.loads, (out / "results.jsonl").read_text()
                                        .splitlines())}
    assert rows["renamed"]["top"] == "outer" and rows["renamed"]["equivalent"] == "equivalent"
    assert rows["renamed"]["ands"] == 1
    assert f"hollow: {designs / 'hollow.v'}:1: module hollow is empty" in text
