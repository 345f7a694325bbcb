"""circuitlab similar: cosine of graph embeddings for every pair of files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from circuitlab.cli import main
from circuitlab.inference import encode_aigs
from circuitlab.io import write_aiger
from circuitlab.nn import load_default_encoder
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.synth import synthesize
from circuitlab.tasks.calibration import load_reference
from circuitlab.tasks.similarity import embedding_cosine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def circuits(tmp_path_factory):
    folder = tmp_path_factory.mktemp("circuits")
    for name in ("maj5", "parity16"):
        write_aiger(synthesize(DEFAULT_DESIGNS / f"{name}.v"), folder / f"{name}.aag")
    return folder


def test_a_file_against_itself_scores_one(circuits, capsys):
    f = str(circuits / "maj5.aag")
    assert main(["similar", f, f, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ref = load_reference()
    assert rows == [{"a": f, "b": f, "cosine": 1.0, "centred": 1.0,
                     "z": round(float(ref.z(1.0)), 3)}]


def test_every_pair_gets_the_score_of_the_equivalence_task(circuits, capsys):
    files = [str(circuits / "maj5.aag"), str(circuits / "parity16.aag"), str(circuits / "maj5.aag")]
    assert main(["similar", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["A", "B", "cosine", "centred", "z"] and len(lines) == 5
    from circuitlab.io.formats import read_circuit
    graphs, _ = encode_aigs([read_circuit(f) for f in files[:2]], load_default_encoder())
    want = embedding_cosine(graphs[[0]], graphs[[1]])[0]
    assert lines[1].split()[:3] == [files[0], files[1], f"{want:.6f}"]
    assert lines[2].split()[:4] == [files[0], files[2], "1.000000", "1.0000"]
    assert float(lines[3].split()[2]) == pytest.approx(want, abs=1e-6)
    centred = load_reference().score(graphs[[0]], graphs[[1]])[0]
    assert float(lines[1].split()[3]) == pytest.approx(centred, abs=1e-4)
    assert lines[4].startswith("centred: cosine after centring on 55 reference designs")


def test_the_calibrated_score_is_the_centred_cosine_of_the_shipped_reference():
    ref = load_reference()
    assert ref is not None and len(ref.designs) == 55
    assert not {"maj5", "parity16", "sqr6", "alu8f"} & set(ref.designs)  # no held-out design
    # raw cosines share an offset (every output state carries the PO type's part);
    # centred on the reference, unrelated designs score about 0 with a real spread
    assert ref.raw_unrelated > ref.unrelated_mean
    assert abs(ref.unrelated_mean) < 0.05 and ref.unrelated_std > 0.1
    assert ref.z(ref.unrelated_mean) == pytest.approx(0.0)


@pytest.mark.parametrize("extra, message", [
    (["MISSING.aig"], "MISSING.aig: no such file"),
    (["BAD"], "BAD:1: "),
    ([], "give at least two files to compare"),
    (["MAJ", "--node-budget", "0"], "--node-budget must be >= 1, got 0"),
])
def test_a_mistake_is_one_line_with_status_2(circuits, tmp_path, capsys, extra, message):
    (tmp_path / "bad.aag").write_text("not an aiger file\n")
    sub = {"MISSING.aig": str(tmp_path / "MISSING.aig"), "BAD": str(tmp_path / "bad.aag"),
           "MAJ": str(circuits / "maj5.aag")}
    assert main(["similar", str(circuits / "maj5.aag"), *[sub.get(a, a) for a in extra]]) == 2
    err = capsys.readouterr().err
    for key, value in sub.items():
        message = message.replace(key, value)
    assert err.startswith(f"circuitlab similar: error: {message}") and err.count("\n") == 1


def test_help_does_not_import_torch():
    code = ("import sys\nfrom circuitlab.cli import main\n"
            "try:\n    main(['similar', '--help'])\nexcept SystemExit as exc:\n"
            "    print(exc.code, file=sys.stderr)\n"
            "print(sorted(m for m in ('torch', 'torch_geometric') if m in sys.modules), "
            "file=sys.stderr)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.stderr.splitlines()[-2:] == ["0", "[]"], proc.stderr
