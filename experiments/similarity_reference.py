"""Build the shipped encoder's similarity reference (circuitlab.tasks.calibration).

The reference designs are the project's own designs of the training split
of experiments/configs/tasks.toml (none of the HOLDOUT designs, none of a
test list). Writes
circuitlab/tasks/checkpoints/similarity_reference.json and prints the raw
and centred mean cosines between two different reference designs.

    PYTHONPATH=. OMP_NUM_THREADS=1 python experiments/similarity_reference.py [--data-root DIR]

(DIR: the fetched suites, as for `circuitlab experiment run`; only the
config's check of the other designs reads it.)
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import argparse

    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", default=None, help="folder of the fetched suites")
    args = parser.parse_args()

    from circuitlab.protocol.config import load_config
    from circuitlab.protocol.designs import load_designs
    from circuitlab.inference import encode_aigs
    from circuitlab.nn.pretrained import DEFAULT_CHECKPOINT, load_encoder
    from circuitlab.tasks.calibration import (REFERENCE, build_reference, checkpoint_digest,
                                              write_reference)

    torch.set_num_threads(1)
    config = load_config(ROOT / "experiments" / "configs" / "tasks.toml", data_root=args.data_root)
    own = [s for s in config.train if "/" not in s.spec]
    test = {s.name for s in config.test}
    assert not test & {s.name for s in own}, "a test design among the reference designs"
    designs = load_designs(own, config.cache)
    graphs, _ = encode_aigs([d.aig for d in designs], load_encoder(), 200_000,
                            [d.name for d in designs])
    ref = build_reference(graphs, [d.name for d in designs], checkpoint_digest(DEFAULT_CHECKPOINT))
    write_reference(ref)
    print(f"{len(designs)} reference designs -> {REFERENCE.relative_to(ROOT)}; mean cosine "
          f"between two of them: raw {ref.raw_unrelated:.4f}, centred "
          f"{ref.unrelated_mean:.4f} ± {ref.unrelated_std:.4f} (sd)")


if __name__ == "__main__":
    main()
