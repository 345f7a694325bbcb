"""circuitlab encode: circuits -> graph embeddings with the shipped (or a given) encoder."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from circuitlab.cli import main
from circuitlab.io import read_aiger, write_aiger
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.synth import RecipeParams, run_recipe, synthesize
from circuitlab.verify import check_equivalence

ROOT = Path(__file__).resolve().parents[2]
TRANSFORMER = ROOT / "circuitlab" / "transformer" / "checkpoints" / "default.pt"


@pytest.fixture(scope="module")
def circuits(tmp_path_factory):
    """mul6x6 as .aag, its resyn2 result as .aig (proven equivalent), two other designs."""
    folder = tmp_path_factory.mktemp("circuits")
    aig = synthesize(DEFAULT_DESIGNS / "mul6x6.v")
    write_aiger(aig, folder / "mul.aag")
    opt, _ = run_recipe(aig, "resyn2", RecipeParams(engine="aigverse"))
    assert check_equivalence(aig, opt).equivalent
    assert opt.num_ands != aig.num_ands
    write_aiger(opt, folder / "mul_resyn2.aig")
    for name in ("parity16", "uart_tx8"):
        write_aiger(synthesize(DEFAULT_DESIGNS / f"{name}.v"), folder / f"{name}.aig")
    return folder


def test_the_same_file_twice_gives_identical_rows(circuits, tmp_path):
    out = tmp_path / "e.npy"
    f = str(circuits / "mul.aag")
    assert main(["encode", f, str(circuits / "parity16.aig"), f, "-o", str(out)]) == 0
    rows = np.load(out)
    assert rows.shape[0] == 3
    np.testing.assert_array_equal(rows[0], rows[2])
    assert not np.allclose(rows[0], rows[1])


def test_a_verilog_file_is_synthesised_first(circuits, tmp_path):
    out = tmp_path / "e.npy"
    assert main(["encode", str(DEFAULT_DESIGNS / "mul6x6.v"), str(circuits / "mul.aag"),
                 "-o", str(out)]) == 0
    rows = np.load(out)
    np.testing.assert_allclose(rows[0], rows[1], rtol=1e-5, atol=1e-6)


def _cos(a, b):
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_a_design_is_closer_to_its_resyn2_result_than_to_other_designs(circuits, tmp_path):
    out = tmp_path / "e.npy"
    names = ["mul.aag", "mul_resyn2.aig", "parity16.aig", "uart_tx8.aig"]
    assert main(["encode", *[str(circuits / n) for n in names], "-o", str(out)]) == 0
    mul, opt, parity, uart = np.load(out)
    assert _cos(mul, opt) > max(_cos(mul, parity), _cos(mul, uart), _cos(opt, parity),
                                _cos(opt, uart))


def test_nodes_writes_every_node_state(circuits, tmp_path):
    out = tmp_path / "e.npz"
    assert main(["encode", str(circuits / "parity16.aig"), str(circuits / "mul.aag"),
                 "--nodes", "-o", str(out)]) == 0
    saved = np.load(out)
    assert saved["graphs"].shape[0] == 2
    from circuitlab.data import to_pyg
    graph = to_pyg(read_aiger(circuits / "mul.aag"), "not_nodes")
    from circuitlab.nn.pretrained import load_default_encoder
    config = load_default_encoder().config
    # each code bank's states side by side
    assert saved["nodes_1"].shape == (graph.num_nodes, config.hidden * config.code_banks)
    # the shipped read-out is the mean over the output nodes, bank by bank,
    # less the read-out centre
    outputs = graph.po_node.numpy()
    centre = load_default_encoder().readout_centre.numpy()
    assert np.abs(centre).sum() > 0
    np.testing.assert_allclose(saved["nodes_1"][outputs].mean(0) - np.tile(centre,
                                                                           config.code_banks),
                               saved["graphs"][1], rtol=1e-4, atol=1e-5)


def test_another_checkpoint_is_used_when_given(circuits, tmp_path):
    from circuitlab.nn import DEFAULT_CHECKPOINT
    a, b = tmp_path / "a.npy", tmp_path / "b.npy"
    f = str(circuits / "mul.aag")
    assert main(["encode", f, "-o", str(a)]) == 0
    assert main(["encode", f, "-o", str(b), "--checkpoint", str(DEFAULT_CHECKPOINT)]) == 0
    np.testing.assert_array_equal(np.load(a), np.load(b))


@pytest.mark.parametrize("extra, message", [
    (["--checkpoint", "TRANSFORMER"], "TRANSFORMER: not a circuitlab pre-training checkpoint"),
    (["--checkpoint", "GARBAGE"], "GARBAGE: not a circuitlab checkpoint (not a file written by "
                                  "torch.save)"),
    (["--checkpoint", "NONE"], "NONE: no such checkpoint"),
    (["--node-budget", "10"], "MUL: "),
    (["--node-budget", "0"], "--node-budget must be >= 1, got 0"),
    (["--nodes"], "-o OUT: must end in .npz with --nodes"),
    (["MISSING.aig"], "MISSING.aig: no such file"),
])
def test_a_mistake_is_one_line_and_writes_nothing(circuits, tmp_path, capsys, extra, message):
    (tmp_path / "GARBAGE").write_bytes(b"not a checkpoint at all")
    sub = {"TRANSFORMER": str(TRANSFORMER), "GARBAGE": str(tmp_path / "GARBAGE"),
           "NONE": str(tmp_path / "NONE"), "MISSING.aig": str(tmp_path / "MISSING.aig"),
           "MUL": str(circuits / "mul.aag"), "OUT": str(tmp_path / "e.npy")}
    argv = ["encode", sub["MUL"], *[sub.get(a, a) for a in extra], "-o", sub["OUT"]]
    assert main(argv) == 2
    err = capsys.readouterr().err
    for key, value in sub.items():
        message = message.replace(key, value)
    assert err.startswith(f"circuitlab encode: error: {message}") and err.count("\n") == 1
    if extra[0] == "--node-budget" and extra[1] == "10":
        assert err.endswith("nodes, over the node budget of 10 (--node-budget)\n")
    assert not (tmp_path / "e.npy").exists()


def test_no_files_or_an_unknown_option_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["encode", "-o", str(tmp_path / "e.npy")])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["encode", "x.aig", "-o", str(tmp_path / "e.npy"), "--hidden", "3"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.count("\n") == 2


@pytest.mark.parametrize("command", ["encode", "embed"])
def test_help_does_not_import_torch(command):
    code = ("import sys\nfrom circuitlab.cli import main\n"
            f"try:\n    main([{command!r}, '--help'])\nexcept SystemExit as exc:\n"
            "    print(exc.code, file=sys.stderr)\n"
            "print(sorted(m for m in ('torch', 'torch_geometric', 'transformers') "
            "if m in sys.modules), file=sys.stderr)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.stderr.splitlines()[-2:] == ["0", "[]"], proc.stderr


def test_a_bar_on_a_terminal_counts_files_and_rows_are_unchanged(circuits, tmp_path, capsys,
                                                                 monkeypatch):
    import circuitlab.progress as progress
    from circuitlab.inference import encode_aigs
    from circuitlab.nn.pretrained import load_encoder
    from circuitlab.synth.design import read_design
    files = [str(circuits / "mul.aag"), str(circuits / "parity16.aig")]
    quiet = tmp_path / "quiet.npy"
    assert main(["encode", *files, "-o", str(quiet), "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    shown = tmp_path / "shown.npy"
    assert main(["encode", *files, "-o", str(shown)]) == 0
    err = capsys.readouterr().err
    assert "encode: reading" in err and "/2" in err
    together, _ = encode_aigs([read_design(f) for f in files], load_encoder(None))
    np.testing.assert_array_equal(np.load(quiet), np.load(shown))
    np.testing.assert_allclose(np.load(shown), together, atol=1e-6)
