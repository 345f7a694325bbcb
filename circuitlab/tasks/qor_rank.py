"""Which recipe to run on *my* design: recipes ranked by a QoR head's predicted AND count.

:func:`rank_recipes` orders candidate recipes for one circuit with a
trained head (:func:`~circuitlab.tasks.qor_head.load_head`);
:func:`apply_best` runs the best ones with the real engine and proves each
result equivalent to the circuit. ``circuitlab qor rank`` is the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from circuitlab.errors import CircuitlabError, FormatError, require_at_least, require_choice
from circuitlab.aig.ops import depth
from circuitlab.inference import encode_aigs
from circuitlab.tasks.qor_labels import recipe_key
from circuitlab.verify import check_equivalence

__all__ = ["RankParams", "apply_best", "rank_recipes", "read_recipe_file"]


@dataclass(frozen=True)
class RankParams:
    """How ``circuitlab qor rank`` ranks recipes for a design.

    Attributes:
        checkpoint: a QoR head checkpoint; ``None`` is the shipped head.
        random: seeded random recipes to rank when no recipe file is given.
        seed: seed of random recipe 0 (recipe ``k`` has seed ``seed + k``).
        length: steps per random recipe.
        apply: run the best K recipes with the real engine and prove each
            result equivalent (0: predict only).
        engine: recipe engine of ``apply``: ``aigverse``, ``abc`` or ``auto``.
        node_budget: most nodes of the design's graph for the encoder.
    """

    checkpoint: Path | None = None
    random: int = 100
    seed: int = 0
    length: int = 20
    apply: int = 0
    engine: str = "aigverse"
    node_budget: int = 200_000

    def __post_init__(self):
        from circuitlab.synth.recipes import ENGINES  # loads aigverse: only when used
        require_at_least(self.random, 1, "random")
        require_at_least(self.seed, 0, "seed")
        require_at_least(self.length, 1, "length")
        require_at_least(self.apply, 0, "apply")
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.node_budget, 1, "node_budget")


def read_recipe_file(path: str | Path) -> list[tuple[str, ...]]:
    """Recipes of a text file, one per line (``;``-separated steps or a script name).

    Blank lines and lines starting with ``#`` are skipped. Each step must be
    one of the steps a QoR head knows
    (:func:`~circuitlab.tasks.recipe_encoder.step_vocabulary`).

    Raises:
        FormatError: naming the file and line of a bad recipe, or a file
            without any recipe.
        CircuitlabError: the file does not exist or is not text.
    """
    from circuitlab.synth.recipes import parse_recipe  # loads aigverse: only when used
    from circuitlab.tasks.recipe_encoder import step_vocabulary  # loads torch: only when used
    path = Path(path)
    if not path.is_file():
        raise CircuitlabError(f"{path}: no such recipe file")
    try:
        lines = path.read_text().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(path, f"cannot read the recipe file ({type(exc).__name__})") from None
    known = set(step_vocabulary())
    recipes = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            steps = tuple(str(s) for s in parse_recipe(text))
        except CircuitlabError as exc:
            raise FormatError(path, str(exc), line=number) from None
        unknown = [s for s in steps if s not in known]
        if unknown:
            raise FormatError(path, f"step {unknown[0]!r} is not one the QoR head knows "
                                    f"({', '.join(sorted(known))})", line=number)
        recipes.append(steps)
    if not recipes:
        raise FormatError(path, "no recipe in the file (one per line, ';'-separated steps)")
    return recipes


def rank_recipes(aig, recipes: Sequence[Sequence[str]], head, encoder,
                 node_budget: int = 200_000, what: str = "the circuit") -> list[dict]:
    """Recipes for ``aig`` ordered by predicted quality, best first.

    Returns:
        One dict per recipe: ``rank`` (1 = best), ``recipe`` (canonical text),
        ``score`` (the head's standardised label, higher = fewer gates),
        ``predicted_ands`` (at least 0), ``index`` (position in
        ``recipes``). Ties keep the given order.

    Raises:
        CircuitlabError: ``aig`` has no AND gate (naming ``what``): no
            recipe can change it, and the head was never trained on one.
    """
    if aig.num_ands == 0:
        raise CircuitlabError(f"{what}: no AND gates, so there is nothing for a recipe to "
                              "reduce")
    import numpy as np
    import torch

    from circuitlab.tasks.recipe_encoder import recipe_tokens  # loads torch: only when used
    tokens = recipe_tokens(recipes)
    graphs, _ = encode_aigs([aig], encoder, node_budget)
    score, ands = head.predict(torch.as_tensor(graphs[0]), tokens, aig.num_ands)
    order = np.argsort(-score.numpy(), kind="stable")
    return [{"rank": k + 1, "recipe": recipe_key(recipes[i]), "score": float(score[i]),
             "predicted_ands": max(0.0, float(ands[i])), "index": int(i)}
            for k, i in enumerate(order)]


def apply_best(aig, rows: list[dict], count: int, engine: str = "aigverse") -> list[dict]:
    """Run the first ``count`` ranked recipes on ``aig``; add the actual result to each row.

    Each row gains ``actual_ands``, ``actual_depth`` and ``equivalent`` (the
    verdict of :func:`~circuitlab.verify.check_equivalence` between ``aig``
    and the result, lower case) and ``cec_engine``. Returns the rows changed.
    """
    from circuitlab.synth.recipes import RecipeParams, run_recipe  # loads aigverse: only when used
    done = []
    for row in rows[:count]:
        result, _ = run_recipe(aig, row["recipe"], RecipeParams(engine=engine))
        verdict = check_equivalence(aig, result)
        row.update(actual_ands=result.num_ands, actual_depth=depth(result),
                   equivalent=verdict.verdict.name.lower(), cec_engine=verdict.engine)
        done.append(row)
    return done
