"""Window rewriting with the model: equivalent results, and substitution that keeps the function."""

import numpy as np
from oracle import assert_equivalent

from circuitlab.aig.windows import find_windows
from circuitlab.io.formats import read_circuit
from circuitlab.optimize.model import load_model
from circuitlab.optimize.rewrite import RewriteParams, _substitute, rewrite_windows
from circuitlab.synth.recipes import RecipeParams, run_recipe
from circuitlab.transformer.tokenizer import Tokenizer, TokenizerConfig
from shared_data import shared_data


def test_window_rewriting_is_equivalent(checkpoint):
    model, tok = load_model(checkpoint, "cpu")
    aig = read_circuit(shared_data("aig", "iscas85", "c432.aig"))
    out, stats = rewrite_windows(aig, model, tok, RewriteParams(windows=12))
    assert stats.windows > 0 and stats.ands_after == out.num_ands <= aig.num_ands
    assert_equivalent(aig, out)


def test_substitution_with_a_known_smaller_window(checkpoint):
    """Windows replaced by their rewrites keep the circuit's function, and free their nodes."""
    aig = read_circuit(shared_data("aig", "iscas85", "c880.aig"))
    tok = Tokenizer(TokenizerConfig())
    pairs = []
    for w in find_windows(aig, 12, 1):
        new, _ = run_recipe(w.aig, "compress2rs", RecipeParams(engine="aigverse"))
        if new.num_ands < w.aig.num_ands and tok.fits(new):
            pairs.append((w, new))
    assert pairs
    out = _substitute(aig, pairs)
    assert_equivalent(aig, out)
    assert np.all(out.ands >= 0)
