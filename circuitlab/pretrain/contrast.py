"""Equivalence-contrast samples: AIGs of one function against cheap hard negatives.

For one output of a design, the *anchor* is its cone (over all the design's
inputs, latches cut); *positives* are other AIGs of the same function (the
same cone after a recipe), kept only when the project's checker proves them
equivalent; *hard negatives* are

- ``inverted``: one AND fan-in edge of the cone complemented,
- ``rewired``: one AND fan-in replaced by another earlier node,
- ``other_output``: the cone of another output of the same design,

each kept only when simulation finds an input pattern on which it differs
from the anchor (a replayed counter-example: a proof). Mutants that
simulation cannot tell apart (the change is unobservable, or rare) are
dropped, never labelled. The objective follows the equivalence-alignment
curricula of functional circuit learning (e.g. MixGate,
https://arxiv.org/abs/2509.20968): embeddings of equivalent circuits pulled
together, of different ones pushed apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from circuitlab.aig import Aig, cleanup, cone
from circuitlab.errors import CircuitlabError, require_at_least
from circuitlab.verify import CheckParams, Verdict, check_equivalence

__all__ = ["ContrastParams", "ContrastSample", "contrast_sample", "inverted_edge",
           "proven_different", "rewired_edge"]

KINDS = ("inverted", "rewired", "other_output")


@dataclass(frozen=True)
class ContrastParams:
    """How many negatives of each kind, and how hard simulation looks for a difference.

    Attributes:
        inverted: one-edge-inverted mutants per sample.
        rewired: rewired mutants per sample.
        other_outputs: cones of other outputs per sample.
        tries: mutation attempts per wanted mutant before giving up.
        random_words: 64-pattern words of random simulation for circuits
            over 16 inputs (up to 16, simulation is exhaustive).
        seed: seed of the mutations, the choice of outputs and the patterns.
    """

    inverted: int = 2
    rewired: int = 2
    other_outputs: int = 2
    tries: int = 10
    random_words: int = 16
    seed: int = 0

    def __post_init__(self):
        for name in ("inverted", "rewired", "other_outputs", "random_words", "seed"):
            require_at_least(getattr(self, name), 0, name)
        require_at_least(self.tries, 1, "tries")


@dataclass(frozen=True)
class ContrastSample:
    """One anchor with its positives and proven negatives.

    Attributes:
        anchor: the single-output cone.
        positives: AIGs proven equivalent to it.
        negatives: AIGs proven different from it.
        kinds: the kind of each negative (``inverted``, ``rewired``,
            ``other_output``).
    """

    anchor: Aig
    positives: tuple[Aig, ...]
    negatives: tuple[Aig, ...]
    kinds: tuple[str, ...]


def _check(a: Aig, b: Aig, params: ContrastParams, engine: str):
    return check_equivalence(a, b, match="position", params=CheckParams(
        engine=engine, random_words=params.random_words, seed=params.seed)).verdict


def proven_different(a: Aig, b: Aig, params: ContrastParams = ContrastParams()) -> bool:
    """Whether simulation finds (and replays) an input pattern where ``a`` and ``b`` differ."""
    return _check(a, b, params, "sim") is Verdict.NOT_EQUIVALENT


def inverted_edge(aig: Aig, rng: np.random.Generator) -> Aig:
    """``aig`` with the complement of one random AND fan-in edge flipped.

    Raises:
        CircuitlabError: ``aig`` has no AND node.
    """
    if aig.num_ands == 0:
        raise CircuitlabError("a circuit without AND nodes has no edge to invert")
    ands = aig.ands.copy()
    k, side = int(rng.integers(aig.num_ands)), int(rng.integers(2))
    ands[k, side] ^= 1
    return _replace_ands(aig, ands)


def rewired_edge(aig: Aig, rng: np.random.Generator) -> Aig:
    """``aig`` with one random AND fan-in moved to another earlier node, random polarity.

    Raises:
        CircuitlabError: ``aig`` has no AND node with another earlier node to rewire to.
    """
    first = aig.first_and_var
    # AND k (variable first + k) may take any variable below it but constant 0
    choices = np.flatnonzero(first + np.arange(aig.num_ands) > 2)
    if choices.size == 0:
        raise CircuitlabError("no AND node has another earlier node to rewire to")
    ands = aig.ands.copy()
    k, side = int(rng.choice(choices)), int(rng.integers(2))
    old = int(ands[k, side]) >> 1
    new = int(rng.integers(1, first + k - 1))
    new += new >= old  # any earlier variable but the current one
    ands[k, side] = 2 * new | int(rng.integers(2))
    return _replace_ands(aig, ands)


def _replace_ands(aig: Aig, ands: np.ndarray) -> Aig:
    return cleanup(Aig(aig.num_inputs, ands, aig.outputs, aig.latches,
                       input_names=aig.input_names, output_names=aig.output_names,
                       latch_names=aig.latch_names))


def contrast_sample(design: Aig, output: int, versions: Sequence[Aig] = (),
                    params: ContrastParams = ContrastParams()) -> ContrastSample:
    """The anchor of ``design``'s output ``output`` with positives and hard negatives.

    Args:
        design: the circuit (latches are cut).
        output: index among the outputs of ``design.cut_latches()``.
        versions: other AIGs of the design with the same interface (e.g.
            its recipe versions); their cone of ``output`` is a positive when
            proven equivalent (:func:`~circuitlab.verify.check_equivalence`).
        params: :class:`ContrastParams`.

    Returns:
        A :class:`ContrastSample`; fewer negatives than asked where no
        mutant or other output could be proven different in ``tries``.
    """
    rng = np.random.default_rng([params.seed, output])
    anchor = cone(design, [output], keep_all_inputs=True)
    positives = []
    for version in versions:
        candidate = cone(version, [output], keep_all_inputs=True)
        if _check(anchor, candidate, params, "auto") is Verdict.EQUIVALENT:
            positives.append(candidate)
    negatives, kinds = [], []
    for kind, count, mutate in (("inverted", params.inverted, inverted_edge),
                                ("rewired", params.rewired, rewired_edge)):
        found = 0
        for _ in range(count * params.tries if anchor.num_ands else 0):
            if found == count:
                break
            mutant = mutate(anchor, rng)
            if proven_different(anchor, mutant, params):
                negatives.append(mutant)
                kinds.append(kind)
                found += 1
    comb = design.cut_latches()
    others = [o for o in rng.permutation(comb.num_outputs).tolist() if o != output]
    found = 0
    for other in others:
        if found == params.other_outputs:
            break
        candidate = cone(comb, [other], keep_all_inputs=True)
        if proven_different(anchor, candidate, params):
            negatives.append(candidate)
            kinds.append("other_output")
            found += 1
    return ContrastSample(anchor, tuple(positives), tuple(negatives), tuple(kinds))
