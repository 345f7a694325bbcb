"""Writing to a symbolic link replaces the file it points to and keeps the link."""

from __future__ import annotations

import os

from circuitlab.aig import AigBuilder
from circuitlab.fsutil import check_output_file, write_bytes_atomic
from circuitlab.io import read_aiger
from circuitlab.io.formats import write_circuit


def test_a_link_stays_a_link_and_its_target_is_replaced(tmp_path):
    real = tmp_path / "data" / "real.txt"
    real.parent.mkdir()
    real.write_bytes(b"old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    check_output_file(link)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new" and (real.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.txt"]


def test_a_chain_of_links_and_a_dangling_link(tmp_path):
    real = tmp_path / "real.aag"
    middle = tmp_path / "middle.aag"
    middle.symlink_to(real)  # dangling until written
    link = tmp_path / "link.aag"
    link.symlink_to(middle)
    b = AigBuilder()
    x, y = b.add_inputs(2)
    b.add_output(b.and_(x, y), "f")
    write_circuit(b.build(), link)
    assert link.is_symlink() and middle.is_symlink() and not real.is_symlink()
    assert read_aiger(real).num_ands == 1 and read_aiger(link).output_names == ("f",)
