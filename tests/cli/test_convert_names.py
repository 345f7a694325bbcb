"""convert warns when symbol names that were not UTF-8 cannot be written back as they were."""

from __future__ import annotations

from circuitlab.cli import main
from circuitlab.io import read_aiger


def test_names_that_are_not_utf8_are_named_in_a_warning(tmp_path, capsys):
    src = tmp_path / "latin.aag"
    src.write_bytes(b"aag 3 2 0 1 1\n2\n4\n6\n6 2 4\ni0 a\xffb\ni1 ok\no0 \xe9t\xe9\n")
    out = tmp_path / "out.aag"
    assert main(["convert", str(src), str(out)]) == 0
    err = capsys.readouterr().err
    assert err == (f"circuitlab convert: warning: {src}: 2 symbol name(s) are not UTF-8; {out} "
                   "has U+FFFD in place of their bad bytes: 'a\ufffdb', '\ufffdt\ufffd'\n")
    assert read_aiger(out).input_names == ("a\ufffdb", "ok")


def test_utf8_names_convert_silently(tmp_path, capsys):
    src = tmp_path / "utf8.aag"
    src.write_bytes("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\ni0 \u00e9\ni1 ok\no0 f\n".encode())
    assert main(["convert", str(src), str(tmp_path / "out.aig")]) == 0
    assert capsys.readouterr().err == ""
