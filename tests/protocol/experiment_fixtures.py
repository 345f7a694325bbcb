"""A small task for the runner's tests, and a config around it.

Import as ``from experiment_fixtures import ...`` (pytest puts
``tests/protocol`` on ``sys.path``). :func:`run` follows the task contract
of :mod:`circuitlab.tasks`: it embeds every test design with the encoder it
is given and reports the mean of the embedding, so two encoders give
different numbers; ``fail_seed`` makes one seed raise.
"""

from __future__ import annotations

from dataclasses import dataclass

from circuitlab.errors import ParamError
from circuitlab.protocol import register_task
from circuitlab.tasks import TaskResult, check_disjoint

CALLS: list[tuple] = []
"""(seed, encoder id, test design names) of every call of :func:`run`."""


@dataclass(frozen=True)
class FakeParams:
    scale: float = 1.0
    fail_seed: int = -1

    def __post_init__(self):
        if self.scale <= 0:
            raise ParamError("scale", f"must be > 0, got {self.scale!r}")


def run(encoder, train, test, params, seed, cache):
    import torch

    from circuitlab.data import to_pyg

    check_disjoint(train, test)
    CALLS.append((seed, id(encoder), tuple(d.name for d in test)))
    if seed == params.fail_seed:
        raise RuntimeError(f"seed {seed} fails on purpose")
    rows = []
    with torch.no_grad():
        for d in test:
            graph = to_pyg(d.aig, encoder.config.encoding)
            states = encoder(graph)
            rows.append({"design": d.name,
                         "model": {"mean": params.scale * float(states.mean())},
                         "baseline": {"mean": float(d.aig.num_ands) + seed}})
    metrics = {"mean": sum(r["model"]["mean"] for r in rows) / len(rows)}
    baseline = {"mean": sum(r["baseline"]["mean"] for r in rows) / len(rows)}
    return TaskResult("fake", metrics, baseline, rows, {"train": len(train)})


register_task("fake", __name__, "FakeParams")

TRAIN = ["maj5", "mux8"]
TEST = ["dec3to8", "parity16"]
CONFIG = f"""
seeds = [0, 1, 2]
[designs]
train = {TRAIN!r}
test = {TEST!r}

[[encoders]]
name = "random"
kind = "random"
overrides = {{ "encoder.hidden" = 8, "encoder.layers" = 2 }}

[[encoders]]
name = "mgm"
kind = "pretrain"
pretrain = "pre.toml"
overrides = {{ steps = 3 }}

[tasks.fake]
scale = 2.0

[quick]
encoders = ["random"]
tasks = {{ fake = {{ scale = 3.0 }} }}
"""

PRETRAIN = """method = "mgm"
node_budget = 2000
log_interval = 1
warmup_steps = 0
[encoder]
hidden = 8
layers = 2
"""


def write_config(folder, text: str = CONFIG):
    """``folder``/exp.toml and the pre-training config it names; the config's path."""
    (folder / "pre.toml").write_text(PRETRAIN)
    path = folder / "exp.toml"
    path.write_text(text)
    return path
