import os
import subprocess
import sys
from pathlib import Path

import torch

from circuitlab.pretrain import load_pretrain_checkpoint

WORKER = Path(__file__).parent / "pretrain_worker.py"
ROOT = Path(__file__).resolve().parents[2]


# about 12 s on two busy cores, under the 20 s that would call for the slow marker
def test_torchrun_two_ranks_on_gloo_agree_and_write_one_checkpoint(tmp_path):
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path,
           "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
                           "--standalone", str(WORKER), str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in tmp_path.glob("*.pt")) == \
        ["checkpoint.pt", "params_rank0.pt", "params_rank1.pt"]
    state = load_pretrain_checkpoint(tmp_path / "checkpoint.pt")
    assert state["step"] == 20 and state["world_size"] == 2
    rank0, rank1 = (torch.load(tmp_path / f"params_rank{r}.pt") for r in (0, 1))
    assert torch.equal(rank0, rank1)
    saved = torch.cat([v.flatten() for k, v in state["model"].items()
                       if not k.endswith("readout_centre")])  # a buffer, not a parameter
    assert torch.equal(saved, rank0)
