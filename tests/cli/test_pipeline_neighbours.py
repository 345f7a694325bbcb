"""The pipeline summary's neighbours: raw cosine beside the calibrated one, and the mean cosine."""

from types import SimpleNamespace

import numpy as np

from circuitlab.cli.pipeline_cmd import print_neighbours
from circuitlab.nn import load_default_encoder
from circuitlab.pipeline import EMBEDDINGS
from circuitlab.tasks.calibration import load_reference
from circuitlab.tasks.similarity import pairwise_cosine


def test_each_neighbour_gets_its_centred_cosine_and_the_mean_is_printed(tmp_path, capsys):
    ref = load_reference()
    width = load_default_encoder().embedding_dim
    rng = np.random.default_rng(0)
    scale = 0.1 * np.linalg.norm(ref.mean) / np.sqrt(width)  # small beside the mean
    graphs = (ref.mean + scale * rng.normal(size=(3, width))).astype(np.float32)
    names = np.array(["a", "b", "c"])
    np.savez(tmp_path / EMBEDDINGS, designs=names, graphs=graphs)
    raw = pairwise_cosine(graphs)
    rows = [{"design": "a", "nearest": "b", "nearest_cos": round(float(raw[0, 1]), 4)},
            {"design": "b", "nearest": "c", "nearest_cos": round(float(raw[1, 2]), 4)},
            {"design": "c", "nearest": "a", "nearest_cos": round(float(raw[2, 0]), 4)}]
    print_neighbours(rows, SimpleNamespace(out=tmp_path))
    out = capsys.readouterr().out.splitlines()
    centred = ref.pairwise(graphs)
    assert "(raw, centred)" in out[0]
    assert out[1].split() == ["a", "~", "b", f"({raw[0, 1]:.3f},", f"{centred[0, 1]:.3f})"]
    off = ~np.eye(3, dtype=bool)
    assert out[-1].strip().startswith(
        f"mean cosine between two different designs: raw {raw[off].mean():.3f}, "
        f"centred {centred[off].mean():.3f}")
    # embeddings around the reference mean: raw cosines near 1, centred ones spread out
    assert raw[off].min() > 0.9 and abs(centred[off].mean()) < 0.5


def test_without_saved_embeddings_only_the_raw_cosine_is_printed(tmp_path, capsys):
    print_neighbours([{"design": "a", "nearest": "b", "nearest_cos": 0.99}],
                     SimpleNamespace(out=tmp_path))
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == ["a", "~", "b", "(0.990)"] and len(out) == 2
