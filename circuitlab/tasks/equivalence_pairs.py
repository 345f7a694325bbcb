"""Labelled cone pairs of one design for the logic-equivalence task, every label proven.

How the pairs of a design are built (:func:`build_equivalence_pairs`):

1. Versions: the design's combinational part (latches cut) and ``versions``
   optimised copies, each by a seeded random recipe
   (:func:`~circuitlab.synth.random_recipe`, run by ``engine``).
2. Candidates: AND nodes of every version whose cone has ``min_ands`` to
   ``max_ands`` ANDs and at most ``max_inputs`` inputs. Nodes of two
   versions with equal (or complementary) random-simulation signatures
   over the design's inputs are candidate equivalents.
3. Equivalent pair: a node's cone and a candidate's cone from another
   version, both put on the union of their supports (inputs then match by
   position), structurally different (identical AND graphs are skipped and
   counted), and proven EQUIVALENT by :func:`~circuitlab.verify.check_equivalence`.
   One pair per function (a function up to complement) and design.
4. Negatives beside each equivalent pair ``(A, B)``: a *hard* one,
   ``(A', B)`` with ``A'`` = ``A`` with one gate's fan-in inverted or
   rewired (:func:`~circuitlab.tasks.cones.mutate_gate`), and a *random*
   one, ``A`` against the cone of a node computing another function; both
   proven NOT_EQUIVALENT.
5. *Near* negatives: candidate pairs of step 3 (equal signatures under
   ``4 * 64`` random patterns) that the checker proves NOT_EQUIVALENT;
   functions this close are the random-simulation baseline's blind spot.

A check that ends UNDECIDED drops its pair and is counted. Nothing here
depends on an encoder, so a design's pairs are cached under ``cache``.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import tempfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.parallel import BuildOptions, Item, run_items
from circuitlab.sim import node_signatures
from circuitlab.synth.recipes import recipe_versions, resolve_engine
from circuitlab.tasks.common import Design
from circuitlab.aig.cones import cone_info, extract_cone
from circuitlab.tasks.cones import mutate_gate
from circuitlab.verify import CheckParams
from circuitlab.verify import Verdict, check_equivalence

__all__ = ["KINDS", "PairSet", "build_equivalence_pairs", "cached_pair_sets", "cached_pairs"]

KINDS = ("equivalent", "hard", "random", "near")
_CACHE_FORMAT = 2
_MATCH_WORDS = 4        # signature words that propose candidate equivalents
_MUTATION_TRIES = 8     # mutations tried before giving up a hard negative
_PARTNER_TRIES = 8      # partners tried for one node


@dataclass
class PairSet:
    """The labelled pairs of one design.

    Attributes:
        design: the design's name.
        cones: the circuits, one output each.
        pairs: ``[P, 2]`` indices into ``cones``; the two have the same inputs, by position.
        labels: ``[P]`` bool, True for a proven-equivalent pair.
        kinds: ``[P]`` one of :data:`KINDS`.
        counts: what was built and dropped: ``versions``, ``undecided``
            (pairs dropped as UNDECIDED), ``identical`` (candidate pairs
            skipped as the same AND graph), ``collisions`` (equal signatures,
            proven different: the "near" pairs).
    """

    design: str
    cones: list[Aig]
    pairs: np.ndarray
    labels: np.ndarray
    kinds: list[str]
    counts: dict[str, int] = field(default_factory=dict)


class _Builder:
    """Accumulates cones and proven pairs of one design."""

    def __init__(self, params, seed: int):
        self.params = params
        self.check = CheckParams(conflict_budget=params.conflict_budget,
                                 timeout=params.check_timeout, seed=seed)
        self.cones: list[Aig] = []
        self.pairs: list[tuple[int, int]] = []
        self.labels: list[bool] = []
        self.kinds: list[str] = []
        self.counts = {"undecided": 0, "identical": 0, "collisions": 0}

    def verdict(self, a: Aig, b: Aig) -> Verdict:
        found = check_equivalence(a, b, match="position", params=self.check).verdict
        if found is Verdict.UNDECIDED:
            self.counts["undecided"] += 1
        return found

    def add(self, a: Aig | int, b: Aig, kind: str) -> int:
        if isinstance(a, Aig):
            self.cones.append(a)
            a = len(self.cones) - 1
        self.cones.append(b)
        self.pairs.append((a, len(self.cones) - 1))
        self.labels.append(kind == "equivalent")
        self.kinds.append(kind)
        return a


def build_equivalence_pairs(name: str, design_aig: Aig, params, seed: int) -> PairSet:
    """The proven pairs of one design (see the module docstring).

    Args:
        name: the design's name (also seeds its random choices with ``seed``).
        design_aig: the design.
        params: an :class:`~circuitlab.tasks.equivalence.EquivalenceTaskParams`.
        seed: the run's seed.
    """
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    versions = recipe_versions(design_aig, params.versions, params.recipe_length,
                               params.engine, rng)
    infos = [cone_info(v) for v in versions]
    sig_seed = int(rng.integers(2**31))
    keys: list[list[bytes | None]] = []
    polarity: list[np.ndarray] = []
    index: dict[bytes, list[tuple[int, int]]] = {}
    candidates: list[tuple[int, int]] = []
    for i, (aig, info) in enumerate(zip(versions, infos)):
        sigs = node_signatures(aig, _MATCH_WORDS, sig_seed)
        flip = (sigs[:, 0] >> np.uint64(63)).astype(bool)      # canonical: top bit 0
        canon = np.where(flip[:, None], ~sigs, sigs)
        row_keys: list[bytes | None] = [None] * aig.num_vars
        for var in range(aig.first_and_var, aig.num_vars):
            if (params.min_ands <= info.ands[var] <= params.max_ands
                    and 0 < len(info.support[var]) <= params.max_inputs):
                row_keys[var] = canon[var].tobytes()
                index.setdefault(row_keys[var], []).append((i, var))
                candidates.append((i, var))
        keys.append(row_keys)
        polarity.append(flip)
    order = rng.permutation(len(candidates))
    out = _Builder(params, seed)
    done: set[bytes] = set()
    for c in order.tolist():
        if sum(out.labels) >= params.pairs_per_design:
            break
        i, u = candidates[c]
        key = keys[i][u]
        if key in done:
            continue
        partners = [(j, w) for j, w in index[key] if j != i]
        if not partners:
            continue
        done.add(key)
        pair = _equivalent_pair(out, versions, infos, polarity, (i, u), partners, rng)
        if pair is None:
            continue
        a_index, a, b = pair
        _hard_negative(out, a, b, rng)
        _random_negative(out, versions, infos, keys, candidates, (i, u), a_index, rng)
    counts = dict(out.counts, versions=len(versions))
    return PairSet(name, out.cones, np.array(out.pairs, dtype=np.int64).reshape(-1, 2),
                   np.array(out.labels, dtype=bool), out.kinds, counts)


def _equivalent_pair(out: _Builder, versions, infos, polarity, node, partners, rng):
    i, u = node
    for p in rng.permutation(len(partners))[:_PARTNER_TRIES].tolist():
        j, w = partners[p]
        leaves = sorted(infos[i].support[u] | infos[j].support[w])
        if len(leaves) > out.params.max_inputs:
            continue
        a = extract_cone(versions[i], 2 * u, leaves)
        b = extract_cone(versions[j], 2 * w + int(polarity[i][u] != polarity[j][w]), leaves)
        if a.structurally_equal(b, names=False):
            out.counts["identical"] += 1
            continue
        verdict = out.verdict(a, b)
        if verdict is Verdict.EQUIVALENT:
            return out.add(a, b, "equivalent"), a, b
        if verdict is Verdict.NOT_EQUIVALENT:
            out.counts["collisions"] += 1
            out.add(a, b, "near")
        return None
    return None


def _hard_negative(out: _Builder, a: Aig, b: Aig, rng) -> None:
    for _ in range(_MUTATION_TRIES):
        mutated, _ = mutate_gate(a, rng)
        verdict = out.verdict(mutated, b)
        if verdict is Verdict.NOT_EQUIVALENT:
            out.add(mutated, b, "hard")
            return
        if verdict is Verdict.UNDECIDED:
            return


def _random_negative(out: _Builder, versions, infos, keys, candidates, node, a_index, rng):
    i, u = node
    for c in rng.permutation(len(candidates))[:_PARTNER_TRIES].tolist():
        j, w = candidates[c]
        if keys[j][w] == keys[i][u]:
            continue
        leaves = sorted(infos[i].support[u] | infos[j].support[w])
        if len(leaves) > out.params.max_inputs:
            continue
        a = extract_cone(versions[i], 2 * u, leaves)
        other = extract_cone(versions[j], 2 * w, leaves)
        verdict = out.verdict(a, other)
        if verdict is Verdict.NOT_EQUIVALENT:
            same_a = out.cones[a_index].structurally_equal(a, names=False)
            out.add(a_index if same_a else a, other, "random")
            return
        if verdict is Verdict.UNDECIDED:
            return


def _pair_fields(params) -> dict:
    fields = asdict(params)
    pairs_only = ("versions", "recipe_length", "pairs_per_design", "min_ands", "max_ands",
                  "max_inputs", "conflict_budget", "check_timeout")
    fields = {k: fields[k] for k in pairs_only}
    fields["engine"] = resolve_engine(params.engine)
    return fields


def _digest(name: str, design_aig: Aig, params, seed: int) -> str:
    return hashlib.sha256(repr((
        _CACHE_FORMAT, name, seed, sorted(_pair_fields(params).items()),
        design_aig.num_inputs, design_aig.ands.tobytes(), design_aig.outputs.tobytes(),
        design_aig.latches.tobytes())).encode()).hexdigest()[:16]


def _pairs_item(payload: tuple) -> bytes:
    """Worker: the pickled pairs of one design (``name, aig, params, seed``)."""
    return pickle.dumps(_to_plain(build_equivalence_pairs(*payload)))


def cached_pair_sets(designs, params, seed: int, cache: Path | None,
                     options: BuildOptions = BuildOptions(progress=False)) -> list[PairSet]:
    """:func:`build_equivalence_pairs` of each design (``name``, ``aig``), in parallel
    (:func:`circuitlab.parallel.run_items`); each read from ``cache/equivalence/`` when
    built before with the same design, pair-building parameters, engine and seed
    (written there otherwise).

    Raises:
        CircuitlabError: a design's pairs could not be built (naming it).
    """
    designs = list(designs)
    with contextlib.ExitStack() as stack:
        folder = Path(cache) / "equivalence" if cache is not None else \
            Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="circuitlab-pairs-")))
        items = [Item(d.name, f"{d.name}-{_digest(d.name, d.aig, params, seed)}",
                      (d.name, d.aig, params, seed)) for d in designs]
        report = run_items(_pairs_item, items, folder, ".pkl", options, what="designs")
        if report.failed:
            name, reason = report.failed[0]
            raise CircuitlabError(f"{name}: the pairs could not be built: {reason}")
        found = []
        for item in items:
            with open(folder / f"{item.key}.pkl", "rb") as fh:
                found.append(_from_plain(pickle.load(fh)))
    return found


def cached_pairs(name: str, design_aig: Aig, params, seed: int, cache: Path | None) -> PairSet:
    """:func:`cached_pair_sets` of one design, built here."""
    return cached_pair_sets([Design(name, design_aig)], params, seed, cache,
                            BuildOptions(jobs=1, progress=False))[0]


def _to_plain(found: PairSet) -> dict:
    return {"design": found.design, "pairs": found.pairs, "labels": found.labels,
            "kinds": list(found.kinds), "counts": dict(found.counts),
            "cones": [(c.num_inputs, np.array(c.ands), np.array(c.outputs), c.input_names)
                      for c in found.cones]}


def _from_plain(plain: dict) -> PairSet:
    cones = [Aig(n, ands, outputs, input_names=names, output_names=["y"])
             for n, ands, outputs, names in plain["cones"]]
    return PairSet(plain["design"], cones, plain["pairs"], plain["labels"], plain["kinds"],
                   plain["counts"])
