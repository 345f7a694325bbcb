"""check_equivalence under a time limit: the work runs in a worker killed at the
deadline, the verdict is the worker's when it finishes, and reasons name the
caller's limit, not an engine's share of it.
"""

from __future__ import annotations

import time

import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.verify import CheckParams, Verdict, check_equivalence


def chain(n: int, tree: bool = False, flip: bool = False) -> Aig:
    """The AND of ``n`` inputs, as a chain or a balanced tree (``flip``: one input negated)."""
    b = AigBuilder()
    xs = b.add_inputs(n, "x")
    if flip:
        xs[-1] ^= 1
    if tree:
        while len(xs) > 1:
            xs = [b.and_(xs[k], xs[k + 1]) if k + 1 < len(xs) else xs[k]
                  for k in range(0, len(xs), 2)]
        acc = xs[0]
    else:
        acc = xs[0]
        for x in xs[1:]:
            acc = b.and_(acc, x)
    b.add_output(acc, "y")
    return b.build()


def test_a_decided_check_under_a_limit_keeps_its_verdict():
    a, b = chain(40), chain(40, tree=True)
    result = check_equivalence(a, b, params=CheckParams(timeout=60))
    assert result.verdict is Verdict.EQUIVALENT and result.engine == "sat"
    wrong = check_equivalence(a, chain(40, tree=True, flip=True),
                              params=CheckParams(timeout=60, random_words=0))
    assert wrong.verdict is Verdict.NOT_EQUIVALENT
    # the two differ only where every other input is 1
    assert wrong.counterexample is not None
    assert all(wrong.counterexample[f"x[{k}]"] == 1 for k in range(39))


def test_a_limit_spent_before_the_check_gives_undecided_naming_it():
    a, b = chain(40), chain(40, tree=True)
    result = check_equivalence(a, b, params=CheckParams(timeout=2),
                               start=time.monotonic() - 3)
    assert result.verdict is Verdict.UNDECIDED and result.engine == "sat"
    assert result.reason == "time limit of 2 s reached before any engine decided"


def test_a_limit_ending_the_search_names_the_callers_limit():
    a, b = chain(60_000), chain(60_000, tree=True)
    result = check_equivalence(a, b, params=CheckParams(timeout=0.2))
    assert result.verdict is Verdict.UNDECIDED
    assert "time limit of 0.2 s reached" in result.reason


def test_errors_of_the_worker_keep_their_type():
    a = chain(20)
    b = AigBuilder()
    xs = b.add_inputs(20, "x")
    b.add_output(xs[0], "y")
    b.add_output(xs[1], "z")
    with pytest.raises(CircuitlabError, match="z"):
        check_equivalence(a, b.build(), params=CheckParams(timeout=60))
