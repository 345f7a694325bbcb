"""The checked-in minimum-AND table of the 222 NPN classes of 4-input functions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.exact import (
    ExactParams, NpnTransform, apply_transform, exact_aig, min_ands_4, min_ands_table,
    npn_canon_array, npn_classes, read_table,
)
from circuitlab.exact.table import (NUM_CLASSES, UPPER_BOUNDS, ClassSize, compute_table,
                                    distribution, main, tighten, upper_bound_circuits,
                                    write_table)
from oracle import truth_table

FULL = 0xFFFF
LITERALS = [0xAAAA, 0xCCCC, 0xF0F0, 0xFF00]  # x0 .. x3


def sizes_of_all_functions() -> np.ndarray:
    """``[65536]`` minimum AND count of every 4-input function."""
    table = min_ands_table()
    canon = npn_canon_array(np.arange(1 << 16), 4)
    lookup = {c: row.min_ands for c, row in table.items()}
    return np.array([lookup[c] for c in canon.tolist()])


def synthesised(canon: int) -> int:
    aig, stats = exact_aig(canon, 4, ExactParams(seconds_per_call=None))
    assert stats.optimal
    assert truth_table(aig)[0].tolist() == [bool((canon >> m) & 1) for m in range(16)]
    return stats.gates


def test_table_has_every_class():
    table = min_ands_table()
    assert sorted(table) == npn_classes(4)
    proven = [row for row in table.values() if row.optimal]
    assert len(proven) >= 200
    assert max(row.min_ands for row in proven) == 10 and table[0x1669].min_ands == 10
    assert sorted(distribution(proven))[:4] == [0, 1, 2, 3]


@pytest.mark.parametrize("function, size", [
    (0x6996, 9),              # XOR4
    (0x1669, 10),             # x3 ? exactly-one(x0, x1, x2) : XNOR3(x0, x1, x2)
    (0x6666, 3),              # XOR2 of x0, x1
    (0xE8E8, 4),              # MAJ3 of x0, x1, x2
    (0x8000, 3), (0x0001, 3), (0x7FFF, 3),  # AND4, NOR4, NAND4
    (0x0000, 0), (FULL, 0), *[(x, 0) for x in LITERALS],
    (0x8888, 1),              # x0 AND x1
])
def test_anchors(function, size):
    assert min_ands_4(function) == size


def test_lookup_is_npn_invariant():
    rng = random.Random(1)
    for _ in range(200):
        table = rng.getrandbits(16)
        move = NpnTransform(tuple(rng.sample(range(4), 4)), rng.getrandbits(4),
                            bool(rng.getrandbits(1)))
        assert min_ands_4(apply_transform(table, 4, move)) == min_ands_4(table)


def test_sizes_are_consistent_over_all_functions():
    """Fixing an input never costs a gate; one more gate adds an input literal."""
    size = sizes_of_all_functions()
    f = np.arange(1 << 16)
    for i, x in enumerate(LITERALS):
        shift = 1 << i
        low = f & ~x & FULL
        high = f & x
        cofactor0 = low | (low << shift)
        cofactor1 = high | (high >> shift)
        assert (size[cofactor0] <= size).all() and (size[cofactor1] <= size).all()
        for lit in (x, x ^ FULL):
            assert (size[f & lit] <= size + 1).all()
            assert (size[f | lit] <= size + 1).all()
        assert (size[f ^ x] <= size + 3).all()
    rng = np.random.default_rng(0)
    g, h = rng.integers(0, 1 << 16, size=(2, 20000))
    assert (size[g & h] <= size[g] + size[h] + 1).all()


def test_random_classes_resynthesise_to_the_table_size():
    table = min_ands_table()
    cheap = sorted(c for c, row in table.items() if row.min_ands <= 7)
    for canon in random.Random(7).sample(cheap, 10):
        assert synthesised(canon) == table[canon].min_ands


def test_classes_without_symmetry_breaks_agree_with_the_table():
    """The table was computed with symmetry breaks; plain encodings must agree."""
    table = min_ands_table()
    cheap = sorted(c for c, row in table.items() if 2 <= row.min_ands <= 6)
    for canon in random.Random(3).sample(cheap, 6):
        _, stats = exact_aig(canon, 4, ExactParams(seconds_per_call=None,
                                                   symmetry_breaking=False))
        assert stats.optimal and stats.gates == table[canon].min_ands, f"class {canon:04x}"


@pytest.mark.slow
def test_every_class_up_to_seven_ands_resynthesises_to_the_table_size():
    """The classes of 8 or more ANDs take hours of SAT proofs; XOR4 stands for them."""
    table = min_ands_table()
    for canon, row in table.items():
        if row.optimal and (row.min_ands <= 7 or canon == 0x6996):
            assert synthesised(canon) == row.min_ands, f"class {canon:04x}"


def test_compute_table_resumes_from_done_rows():
    table = min_ands_table()
    redo = sorted(c for c, row in table.items() if row.min_ands <= 4)[-2:]
    done = [ClassSize(c, row.min_ands, True) for c, row in table.items() if c not in redo]
    done.append(ClassSize(redo[0], 99, False))  # unproven rows are computed again
    saved = []
    rows = compute_table(ExactParams(seconds_per_call=None), done=done, save=saved.append)
    assert [(r.canon, r.min_ands) for r in rows] == [(c, table[c].min_ands) for c in sorted(table)]
    assert all(r.optimal for r in rows if r.canon in redo)
    assert len(saved) == 2 and len(saved[-1]) == NUM_CLASSES


def test_write_read_round_trip(tmp_path):
    rows = [ClassSize(0x0000, 0, True), ClassSize(0x6996, 9, True), ClassSize(0x0001, 3, False)]
    path = tmp_path / "t.tsv"
    write_table(rows, path)
    assert read_table(path) == {row.canon: row for row in rows}
    assert distribution(rows) == {0: 1, 3: 1, 9: 1}


@pytest.mark.parametrize("text, message", [
    ("canon_hex\tmin_ands\n", "expected header"),
    ("canon_hex\tmin_ands\toptimal\n0001\t3\n", r":2: expected 3 tab-separated"),
    ("canon_hex\tmin_ands\toptimal\nzz\t3\tTrue\n", r":2: malformed number"),
    ("# note\ncanon_hex\tmin_ands\toptimal\n0001\t3\tyes\n", r":3: optimal must be"),
])
def test_malformed_table_raises(tmp_path, text, message):
    path = tmp_path / "bad.tsv"
    path.write_text(text)
    with pytest.raises(CircuitlabError, match=message):
        read_table(path)


def test_missing_table_raises(tmp_path):
    with pytest.raises(CircuitlabError, match="cannot read"):
        read_table(tmp_path / "absent.tsv")


def test_bad_lookup_raises():
    with pytest.raises(CircuitlabError, match="does not fit 16 bits"):
        min_ands_4(0x10000)


def test_a_known_circuit_caps_the_search_and_can_complete_a_proof(monkeypatch):
    import circuitlab.exact.table as table
    circuit, _ = exact_aig(0x0007, 4)
    monkeypatch.setattr(table, "upper_bound_circuits", lambda: {0x0007: circuit})
    tried = []

    def spy(tables, n, params):
        tried.append(params.max_gates)
        return exact_aig(tables, n, params)
    monkeypatch.setattr(table, "exact_aig", spy)
    # only 2 gates are tried (proven impossible); the known 3-gate circuit is then optimal
    row = table.synthesize_class(0x0007)
    assert tried == [2]
    assert (row.canon, row.min_ands, row.optimal) == (0x0007, 3, True)


def test_command_line_redoes_only_unproven_rows(capsys, tmp_path):
    rows = [ClassSize(r.canon, r.min_ands, r.canon != 0x0007) for r in min_ands_table().values()]
    rows[[r.canon for r in rows].index(0x0007)] = ClassSize(0x0007, 9, False)
    path = tmp_path / "table.tsv"
    write_table(rows, path, " (test)")
    assert main(["--unproven", "--out", str(path), "--workers", "1"]) == 0
    assert "[222/222] 0007: 3 ANDs in" in capsys.readouterr().err
    again = read_table(path)
    assert again[0x0007] == ClassSize(0x0007, 3, True)
    assert all(again[r.canon] == r for r in rows if r.canon != 0x0007)
    assert "--write (test); then --unproven" in path.read_text()


def test_command_line_summary(capsys, tmp_path):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("222 classes, all optimal: ")
    assert "\n9\t" in out and "\n10\t" in out
    assert main(["--out", str(tmp_path / "absent.tsv")]) == 1
    assert "error: cannot read" in capsys.readouterr().err


def test_known_circuits_are_the_sizes_of_their_rows():
    known, table = upper_bound_circuits(), min_ands_table()
    assert all(canon in known for canon, row in table.items() if not row.optimal)
    assert set(known) == {0x166b, 0x1681, 0x1683}
    for canon, aig in known.items():
        assert aig.num_ands == table[canon].min_ands
        assert truth_table(aig)[0].tolist() == [bool((canon >> m) & 1) for m in range(16)]


def test_tighten_and_bad_upper_bound_files(tmp_path):
    known = upper_bound_circuits()
    assert tighten(ClassSize(0x1681, 11, False), known) == ClassSize(0x1681, 10, False)
    assert tighten(ClassSize(0x1681, 9, False), known).min_ands == 9
    assert tighten(ClassSize(0x1669, 10, True), known).min_ands == 10
    # a known circuit of 10 ANDs with 9 and fewer proven impossible: optimal
    assert tighten(ClassSize(0x1681, 12, False), known, proven_below=10) == \
        ClassSize(0x1681, 10, True)
    assert tighten(ClassSize(0x1681, 12, False), known, proven_below=9).optimal is False
    with pytest.raises(CircuitlabError, match="SAT proved fewer than 11 impossible"):
        tighten(ClassSize(0x1681, 12, False), known, proven_below=11)
    (tmp_path / "1681.aag").write_text((UPPER_BOUNDS / "1683.aag").read_text())
    with pytest.raises(CircuitlabError, match="1681.aag: not a 4-input, 1-output circuit"):
        upper_bound_circuits(tmp_path)
