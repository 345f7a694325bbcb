"""The random 8×2 circuits the transformer's experiments are judged on, and their ``resyn2``."""

from __future__ import annotations


def random_8x2(tok, count: int, seed: int) -> list:
    """The first ``count`` random 8-input/2-output circuits of ``seed`` that ``tok`` fits.

    Seed 1000 is the held-out set of ``benchmarks/bench_transformer_quality.py``
    (its functions are removed from training); seed 2000 draws validation circuits.
    """
    from circuitlab.transformer.data.generate import random_circuits

    return [a for a in random_circuits(2 * count, seed=seed, ands=(10, 40))
            if tok.fits(a)][:count]


def resyn2_of(aigs: list) -> list:
    """``resyn2`` of each circuit: ABC when installed, else aigverse."""
    from circuitlab.synth.abc import abc_available, run_abc_batch
    from circuitlab.synth.recipes import SCRIPTS, RecipeParams, run_recipe

    if abc_available():
        return run_abc_batch(aigs, [c.strip() for c in SCRIPTS["resyn2"].split(";")],
                             timeout=3600)
    return [run_recipe(a, "resyn2", RecipeParams(engine="aigverse"))[0] for a in aigs]
