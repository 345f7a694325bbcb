"""The process pool: results, errors, and teardown on an exception or SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from circuitlab.errors import ParamError
from circuitlab.parallel import pmap


def add(a: int, b: int) -> int:
    return a + b


def fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def sleep_then_touch(folder: str, n: int) -> int:
    time.sleep(0.2 if n == 0 else 30)
    Path(folder, f"{n}.done").write_text("x")
    return n


def say_started_then_sleep(started: str, folder: str, n: int) -> int:
    Path(started, f"{n}.started").write_text("x")
    return sleep_then_touch(folder, n)


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_result_comes_back_with_its_index(jobs):
    got = dict(pmap(add, [(k, 10) for k in range(7)], jobs))
    assert got == {k: k + 10 for k in range(7)}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_call_raises_its_error(jobs):
    with pytest.raises(ValueError, match="three"):
        list(pmap(fail_on_three, [(k,) for k in range(5)], jobs))


def test_leaving_early_ends_the_running_calls(tmp_path):
    start = time.perf_counter()
    for k, _ in pmap(sleep_then_touch, [(str(tmp_path), n) for n in range(3)], 2):
        assert k == 0
        break
    assert time.perf_counter() - start < 10
    time.sleep(0.5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.done"]


def test_jobs_must_be_positive():
    with pytest.raises(ParamError, match="jobs"):
        list(pmap(add, [(1, 2)], 0))


SCRIPT = textwrap.dedent("""
    import faulthandler, signal, sys, time

    def interrupted(signum, frame):  # as Python's own handler, and a hang shows where
        faulthandler.dump_traceback_later(10, exit=True)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_pool import say_started_then_sleep
    from circuitlab.parallel import pmap
    if __name__ == "__main__":
        try:
            for k, _ in pmap(say_started_then_sleep,
                             [({started!r}, {folder!r}, n) for n in range(1, 5)], 2):
                pass
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
""")


def test_sigint_to_the_process_group_stops_the_map_at_once(tmp_path):
    script = tmp_path / "run.py"
    folder = tmp_path / "out"
    folder.mkdir()
    started = tmp_path / "started"
    started.mkdir()
    script.write_text(SCRIPT.format(tests=str(Path(__file__).parent), folder=str(folder),
                                    started=str(started)))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env={**os.environ})
    deadline = time.monotonic() + 120  # both workers inside their calls, however slow the start
    while len(list(started.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(list(started.iterdir())) == 2, "the workers never started their calls"
    sent = time.perf_counter()
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C at a terminal: parent and workers
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and out == b"interrupted\n", err.decode()[-3000:]
    assert time.perf_counter() - sent < 3
    assert list(folder.iterdir()) == []
    # no worker left behind
    assert subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True).stdout == b""
