"""QoR labels: one shared recipe set, the engine's real results, built once and cached."""

import numpy as np
import pytest

from circuitlab.aig.ops import depth
from circuitlab.errors import CircuitlabError
from circuitlab.synth.recipes import RecipeParams, random_recipe, run_recipe
from circuitlab.tasks import qor_labels
from circuitlab.tasks.qor_labels import recipe_key, recipe_labels, shared_recipes


def test_the_shared_set_is_seeded_random_recipes():
    recipes = shared_recipes(3, seed=7, length=5)
    assert recipes == [tuple(random_recipe(7 + k, 5)) for k in range(3)]
    assert shared_recipes(5, seed=7, length=5)[:3] == recipes
    assert recipe_key(["rw", "b"]) == "rewrite; balance"


def test_labels_are_the_engines_results(small_designs):
    design = small_designs[0]
    recipes = shared_recipes(2, seed=0, length=3)
    labels, stats = recipe_labels([design], recipes, jobs=1)
    assert labels[design.name].shape == (2, 2) and stats.computed == 2
    for row, recipe in zip(labels[design.name], recipes):
        result, _ = run_recipe(design.aig, list(recipe), RecipeParams(engine="aigverse"))
        assert row.tolist() == [result.num_ands, depth(result)]
    assert labels[design.name][:, 0].max() < design.aig.num_ands  # the redundancy goes


def test_a_second_run_recomputes_nothing(small_designs, tmp_path, monkeypatch):
    designs = small_designs[:2]
    recipes = shared_recipes(2, seed=3, length=2)
    first, stats = recipe_labels(designs, recipes, cache=tmp_path, jobs=1)
    assert (stats.computed, stats.reused) == (4, 0)

    def refuse(*args):
        raise AssertionError("a cached label was recomputed")

    monkeypatch.setattr(qor_labels, "_label_chunk", refuse)
    again, stats = recipe_labels(designs, recipes, cache=tmp_path, jobs=1)
    assert (stats.computed, stats.reused) == (0, 4)
    for d in designs:
        np.testing.assert_array_equal(first[d.name], again[d.name])


def test_a_larger_set_runs_only_the_new_recipes(small_designs, tmp_path):
    design = small_designs[3]
    recipe_labels([design], shared_recipes(2, seed=0, length=2), cache=tmp_path, jobs=1)
    labels, stats = recipe_labels([design], shared_recipes(3, seed=0, length=2),
                                  cache=tmp_path, jobs=1)
    assert (stats.computed, stats.reused) == (1, 2)
    assert labels[design.name].shape == (3, 2)


def test_worker_processes_give_the_same_labels(small_designs):
    designs = small_designs[3:5]
    recipes = shared_recipes(2, seed=1, length=2)
    here, _ = recipe_labels(designs, recipes, jobs=1)
    pooled, stats = recipe_labels(designs, recipes, jobs=2)
    assert stats.computed == 4
    for d in designs:
        np.testing.assert_array_equal(here[d.name], pooled[d.name])


def test_a_failing_recipe_names_the_design(small_designs):
    with pytest.raises(CircuitlabError, match="add3r"):
        recipe_labels(small_designs[:1], [("rewrite",)], engine="aigverse", jobs=1,
                      timeout=1e-9)
