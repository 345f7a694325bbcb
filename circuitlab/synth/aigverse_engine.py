"""Recipe steps run in-process with aigverse (mockturtle's algorithms).

The pip-only engine: no external binary. Each ABC step maps onto the
closest aigverse algorithm; the circuit stays an aigverse network for the
whole recipe and is converted once in each direction.

==================  =========================================================
ABC step            aigverse call
==================  =========================================================
``rewrite``         ``aig_cut_rewriting(cut_size=4, preserve_depth=True)``
``rewrite -z``      ... ``allow_zero_gain=True``
``rewrite -l``      ... ``preserve_depth=False``
``refactor``        ``sop_refactoring(max_pis=10, use_reconvergence_cut=True)``
``refactor -z``     ... ``allow_zero_gain=True``
``refactor -N n``   ... ``max_pis=n``
``resub``           ``aig_resubstitution(max_pis=8, max_inserts=1, preserve_depth=True)``
``resub -K k -N n`` ... ``max_pis=k, max_inserts=n``
``resub -l``        ... ``preserve_depth=False``
``balance``         ``balancing(only_on_critical_path=False)``, kept only if it
                    adds no AND node
==================  =========================================================

Where it differs from ABC:

* ``resub -z``: mockturtle's resubstitution has no zero-gain mode; the step
  runs as ``resub``.
* ``refactor -l``: ``sop_refactoring`` has no level control; ``-l`` is ignored.
* ``balance``: ABC rebuilds AND trees (area-neutral, depth-reducing);
  mockturtle's ``balancing`` re-derives SOPs over 4-input cuts, which cuts
  depth further but can add many nodes (c432: 208 -> 268 ANDs with the
  default settings). The step therefore keeps the result only when it adds
  no AND node: area-neutral like ABC's balance, at the price of reducing
  depth less. Its critical-path-only mode is not used: in aigverse 0.1.7 it
  returns non-equivalent networks on some inputs.
  ``balance -l`` runs the same.
* All steps: cut enumeration, replacement libraries and node order differ
  from ABC's, so results agree in size only roughly. Measured AND counts
  after ``resyn2`` on ISCAS'85 and EPFL arithmetic: from 6 % below to 25 %
  above ABC's (c432: 170 vs 136), most within 6 %; ``compress2rs`` alike,
  except ``div``, where ABC's resubstitution halves the circuit (20725 vs
  40917). ``resub -K 12`` makes ``compress2rs`` 2-5x slower than in ABC.

mockturtle: https://github.com/lsils/mockturtle; aigverse:
https://github.com/marcelwa/aigverse.
"""

from __future__ import annotations

from typing import Sequence

from aigverse import algorithms as alg
from aigverse.networks import Aig as AigverseAig

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError, ToolTimeoutError
from circuitlab.io.aigverse_call import call_deep, call_with_deadline, check_depth
from circuitlab.io.aigverse_interop import from_aigverse, to_aigverse
from circuitlab.synth.vocabulary import Step

__all__ = ["apply_step", "run_steps"]

_OPS = ("rewrite", "refactor", "resub", "balance")


def run_steps(aig: Aig, steps: Sequence[Step], timeout: float | None = None, *,
              keep_steps: bool = False) -> list[Aig]:
    """Run parsed recipe steps on a combinational ``aig``.

    Returns ``[result]``, or with ``keep_steps`` the circuit after each step
    (each converted back from aigverse), with default names (the caller
    restores them).

    Raises:
        ToolTimeoutError: ``timeout`` seconds passed.
        CircuitlabError: a sequential ``aig``, an unknown step, or a circuit
            deeper than :data:`~circuitlab.io.aigverse_call.MAX_DEPTH` levels.

    The steps run on a thread with a large stack (:func:`~circuitlab.io.aigverse_call.call_deep`):
    mockturtle recurses once per logic level. A step cannot be interrupted,
    so with a ``timeout`` they run in a forked worker killed at the deadline
    (:func:`~circuitlab.io.aigverse_call.call_with_deadline`).
    """
    if not aig.is_combinational:
        raise CircuitlabError("the aigverse engine takes a combinational Aig (use cut_latches())")
    check_depth(aig, "the aigverse engine")
    parsed = list(steps)
    for step in parsed:
        _check_step(step)
    if timeout is None:
        return call_deep(_run_steps, aig, parsed, keep_steps)
    finished, result = call_with_deadline(_run_steps, aig, parsed, keep_steps, timeout=timeout,
                                          what="the aigverse engine")
    if not finished:
        raise ToolTimeoutError(f"the aigverse recipe ({len(parsed)} steps) did not finish "
                               f"within {timeout:g} s and was stopped")
    return result


def _run_steps(aig: Aig, steps: list[Step], keep: bool) -> list[Aig]:
    net = to_aigverse(aig, names=False)
    trace = []
    for step in steps:
        net = apply_step(net, step)
        if keep:
            trace.append(from_aigverse(net))
    return trace if keep else [from_aigverse(net)]


def _check_step(step: Step) -> None:
    if step.op not in _OPS:
        raise CircuitlabError(f"the aigverse engine has no step {step}")


def apply_step(net: AigverseAig, step: Step) -> AigverseAig:
    """One step on an aigverse network; returns a new network (see the module table)."""
    if step.op == "rewrite":
        return alg.aig_cut_rewriting(net, cut_size=4, allow_zero_gain=step.zero_gain,
                                     preserve_depth=step.levels)
    if step.op == "refactor":
        max_pis = 10 if step.max_nodes is None else step.max_nodes
        return alg.sop_refactoring(net, max_pis=max_pis, allow_zero_gain=step.zero_gain,
                                   use_reconvergence_cut=True)
    if step.op == "resub":
        return alg.aig_resubstitution(
            net, max_pis=8 if step.cut_size is None else step.cut_size,
            max_inserts=1 if step.max_nodes is None else step.max_nodes,
            preserve_depth=step.levels)
    if step.op == "balance":
        # only_on_critical_path=True returns non-equivalent networks on some inputs
        # (aigverse 0.1.7, tests/synth/data/balance_critical_path.aag)
        balanced = alg.balancing(net, only_on_critical_path=False)
        return balanced if balanced.num_gates <= net.num_gates else net
    raise CircuitlabError(f"the aigverse engine has no step {step}")
