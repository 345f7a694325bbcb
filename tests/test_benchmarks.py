"""Every benchmark still runs: each at its smallest size (``--smoke``), in the slow suite.

A benchmark measures against a baseline run in the same process and prints
the ratio; this only checks that it runs to the end and prints its table,
so that none breaks unseen when the code it measures changes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from circuitlab.pipeline import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"
ABC = pytest.mark.needs_abc
EPFL = pytest.mark.needs_data("aig", "epfl_arithmetic")

CASES = [
    pytest.param("bench_aiger_read.py", "ratio", marks=EPFL),
    pytest.param("bench_aigverse_interop.py", "from_over_read", marks=EPFL),
    pytest.param("bench_code_banks.py", "speed-up"),
    pytest.param("bench_decoding.py", "identical tokens from all three: True"),
    pytest.param("bench_encoders.py", "batched_speedup"),
    pytest.param("bench_equivalence.py", "adder", marks=EPFL),
    pytest.param("bench_exact_distance.py", "8 NPN classes"),
    pytest.param("bench_optimize_large.py", "ours not proven equivalent: 0 of 1",
                 marks=[ABC, pytest.mark.needs_data("aig", "iscas85"), EPFL]),
    pytest.param("bench_pretrain.py", "ratio (graphs/s, batched / release)"),
    pytest.param("bench_rtl_families.py", "distinct pairs in"),
    pytest.param("bench_simulation.py", "ratio_to_numpy_and",
                 marks=[EPFL, pytest.mark.needs_data("truth", "iwls2022")]),
    pytest.param("bench_to_pyg.py", "speedup_vs_loop", marks=EPFL),
    pytest.param("bench_transformer_quality.py", "resyn2"),
]


def test_every_benchmark_has_a_smoke_case():
    listed = {p.values[0] for p in CASES}
    assert listed == {p.name for p in BENCHMARKS.glob("bench_*.py")}


@pytest.mark.slow
@pytest.mark.parametrize("script, expected", CASES)
def test_the_benchmark_runs_at_its_smallest_size(script, expected):
    env = {**os.environ, "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, script, "--smoke"], cwd=BENCHMARKS, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert expected in done.stdout, done.stdout[-3000:]

