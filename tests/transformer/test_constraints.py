import random

import numpy as np
import pytest
import torch
from circuits import random_batch, random_small_aig

from circuitlab.aig import AigBuilder
from circuitlab.sim.tables import tables_to_ints
from circuitlab.transformer.constraints import ConstraintState, output_tables, targets_from_aigs
from circuitlab.transformer.reference import ReferenceState, conform_label
from circuitlab.transformer.tokenizer import (AND, EOS, NAND, PAD, Tokenizer, TokenizerConfig)

CFG = TokenizerConfig()
TOK = Tokenizer(CFG)


def _random_walk(cfg, aigs, seed, cares=None):
    """Drive the batched state and the reference with the same random legal choices."""
    care, value, counts = targets_from_aigs(cfg, aigs, cares)
    state = ConstraintState(cfg, care, value, counts)
    refs = [ReferenceState(cfg, tables_to_ints(output_tables(cfg, a)),
                           None if cares is None else tables_to_ints(cares[k]))
            for k, a in enumerate(aigs)]
    gen = torch.Generator().manual_seed(seed)
    tokens = []
    tok = Tokenizer(cfg)
    for _ in range(cfg.max_len):
        legal = state.legal()
        pos = state.positions()
        for b, ref in enumerate(refs):
            assert legal[b].tolist() == ref.legal()
            if ref.writing:
                assert torch.equal(pos[b], torch.from_numpy(tok.position(*ref.path())))
        scores = torch.randn(legal.shape, generator=gen).masked_fill(~legal, float("-inf"))
        step = scores.argmax(1)
        state.advance(step)
        for b, ref in enumerate(refs):
            ref.advance(int(step[b]))
        assert state.num_ands.tolist() == [r.num_ands for r in refs]
        assert state.failed.tolist() == [r.failed for r in refs]
        tokens.append(step)
        if bool(state.finished.all()):
            break
    return state, torch.stack(tokens, 1)


@pytest.mark.parametrize("cfg", [CFG, TokenizerConfig(num_inputs=4, num_outputs=3, max_len=40,
                                                      max_depth=6)])
def test_batched_state_matches_reference(cfg):
    rng = random.Random(3)
    aigs = [random_small_aig(rng, cfg.num_inputs, rng.randint(2, 25), cfg.num_outputs)
            for _ in range(48)]
    _random_walk(cfg, aigs, seed=1)


def test_every_finished_sequence_is_equivalent_for_random_scores():
    """The constraint alone guarantees equivalence: 2,000 circuits, random scores."""
    cfg = TokenizerConfig(max_len=160)  # a shorter cap: fewer steps, same rule
    tok = Tokenizer(cfg)
    aigs = [a for a in random_batch(11, 2200) if tok.fits(a)][:2000]
    assert len(aigs) == 2000
    care, value, counts = targets_from_aigs(cfg, aigs)
    state = ConstraintState(cfg, care, value, counts)
    gen = torch.Generator().manual_seed(0)
    steps = []
    for _ in range(cfg.max_len):
        legal = state.legal()
        # literal-leaning random scores, so most rows finish inside the caps
        scores = torch.randn(legal.shape, generator=gen)
        scores[:, [AND, NAND]] -= 1.0
        step = scores.masked_fill(~legal, float("-inf")).argmax(1)
        state.advance(step)
        steps.append(step)
        if bool(state.finished.all()):
            break
    tokens = torch.stack(steps, 1).tolist()
    finished = 0
    for k, aig in enumerate(aigs):
        if state.failed[k]:
            continue
        finished += 1
        back = tok.decode(tokens[k], aig.num_inputs, aig.num_outputs)
        assert np.array_equal(output_tables(cfg, back), output_tables(cfg, aig)), k
        assert back.num_ands <= int(state.num_ands[k])
    assert finished >= 0.6 * len(aigs)  # the rest hit the length cap and fall back


def test_care_sets_are_respected_and_used():
    rng = np.random.default_rng(5)
    aigs = random_batch(7, 300)
    cares = [rng.integers(0, 2**63, size=(a.num_outputs, CFG.num_words), dtype=np.uint64)
             for a in aigs]
    state, tokens = _random_walk(CFG, aigs[:40], seed=2, cares=cares[:40])
    for k, aig in enumerate(aigs[:40]):
        if state.failed[k]:
            continue
        back = TOK.decode(tokens[k].tolist(), aig.num_inputs, aig.num_outputs)
        diff = (output_tables(CFG, back) ^ output_tables(CFG, aig)) & cares[k]
        assert not diff.any()


def test_mask_rule_details():
    b = AigBuilder()
    x = b.add_inputs(2)
    b.add_output(b.and_(x[0], x[1]))
    aig = b.build()
    cfg = TokenizerConfig(slack=0)
    care, value, counts = targets_from_aigs(cfg, [aig])
    state = ConstraintState(cfg, care, value, counts)
    legal = state.legal()[0]
    assert legal[AND] and legal[NAND] and legal.sum() == 2     # no leaf is x0 & x1
    state.advance(torch.tensor([AND]))
    left = state.legal()[0].nonzero()[:, 0].tolist()
    # x0, x1 cover x0 & x1 and are 0 at the witness minterm 0 (not the last open slot);
    # no AND: its left child would have to meet this requirement on its own
    assert left == [NAND, 7, 9]
    state.advance(torch.tensor([7]))
    assert state.legal()[0].nonzero()[:, 0].tolist() == [9]  # only x1 completes it
    state.advance(torch.tensor([9]))
    assert state.legal()[0].nonzero()[:, 0].tolist() == [EOS]
    state.advance(torch.tensor([EOS]))
    assert state.legal()[0].nonzero()[:, 0].tolist() == [PAD]
    assert state.done.item() and not state.failed.item() and state.num_ands.item() == 1


def test_witness_minterm_orders_children():
    cfg = TokenizerConfig(num_inputs=2, num_outputs=1, max_len=16, slack=0)
    b = AigBuilder()
    x = b.add_inputs(2)
    b.add_output(b.or_(x[0], x[1]))
    care, value, counts = targets_from_aigs(cfg, [b.build()])
    state = ConstraintState(cfg, care, value, counts)
    ref = ReferenceState(cfg, [0b1110])
    # one minterm (0) is 0: an AND's left child would meet the whole requirement
    assert state.legal()[0].nonzero()[:, 0].tolist() == [NAND] and ref.legal()[NAND]
    for t in (NAND, 8):
        state.advance(torch.tensor([t]))
        ref.advance(t)
    # NAND requires !x0 & !x1; the left child must be 0 at minterm 1 (x0=1, x1=0), so
    # !x0 (8) was the only left leaf, and the right one must be !x1 (10)
    assert state.legal()[0].nonzero()[:, 0].tolist() == [10]
    assert state.legal()[0].tolist() == ref.legal()


def _slack_walk(cfg, values, seed):
    """Random legal tokens, gate-leaning; the longest run of gates without progress."""
    ref = ReferenceState(cfg, values)
    rng = random.Random(seed)
    runs, tokens, longest = [], [], 0  # runs: per open gate, its run along the path
    while not ref.finished:
        legal = [t for t, ok in enumerate(ref.legal()) if ok]
        gates = [t for t in legal if t in (AND, NAND)]
        t = rng.choice(gates) if gates and rng.random() < 0.6 else rng.choice(legal)
        run = 0
        if t in (AND, NAND):
            care, value = ref.requirement()
            ctrl = care & ~value if t == AND else care & value
            run = (runs[-1] if runs else 0) + 1 if ctrl.bit_count() < 2 else 0
        ref.advance(t)
        tokens.append(t)
        if t in (AND, NAND):
            runs.append(run)
            longest = max(longest, run)
        del runs[len(ref.frames):]
    return ref, tokens, longest


@pytest.mark.parametrize("slack", [0, 1, 3])
def test_slack_bounds_gates_without_progress(slack):
    """A gate with fewer than two care minterms at its controlling value is allowed at
    most ``slack`` times in a row along a path, and finished rows stay equivalent."""
    cfg = TokenizerConfig(num_inputs=4, num_outputs=1, max_len=200, slack=slack)
    tok = Tokenizer(cfg)
    rng = random.Random(4)
    seen, finished = 0, 0
    for k in range(60):
        aig = random_small_aig(rng, 4, rng.randint(2, 12), 1)
        values = tables_to_ints(output_tables(cfg, aig))
        ref, tokens, longest = _slack_walk(cfg, values, k)
        assert longest <= slack
        seen = max(seen, longest)
        if ref.done:
            finished += 1
            back = tok.decode(tokens, 4, 1)
            assert np.array_equal(output_tables(cfg, back), output_tables(cfg, aig))
    assert seen == slack  # the bound is reached, not only respected
    assert finished >= 30


def test_slack_lets_a_shared_conjunction_sit_in_a_left_slot():
    # out0 = (x0 & x1) & x2, out1 = x0 & x1: under slack 0 the left child of out0 may not
    # be the AND x0 & x1, so out0 is rewritten (x0 & (x1 & x2)) and the pair costs 3 ANDs
    b = AigBuilder()
    x = b.add_inputs(3)
    t = b.and_(x[0], x[1])
    b.add_output(b.and_(t, x[2]))
    b.add_output(t)
    aig = b.build()
    sizes = {}
    for slack in (0, 1):
        cfg = TokenizerConfig(slack=slack)
        tok = Tokenizer(cfg)
        values = tables_to_ints(output_tables(cfg, aig))
        label = conform_label(cfg, tok.encode(aig).tokens.tolist(), values)
        back = tok.decode(label, 3, 2)
        assert np.array_equal(output_tables(cfg, back), output_tables(cfg, aig))
        sizes[slack] = back.num_ands
    assert sizes == {0: 3, 1: 2}


def test_depth_cap_dead_end_fails_cleanly():
    cfg = TokenizerConfig(num_inputs=4, num_outputs=1, max_len=64, max_depth=1)
    b = AigBuilder()
    x = b.add_inputs(4)
    b.add_output(b.xor(x[0], b.xor(x[1], x[2])))
    care, value, counts = targets_from_aigs(cfg, [b.build()])
    state = ConstraintState(cfg, care, value, counts)
    state.advance(torch.tensor([AND]))
    assert state.legal()[0].tolist() == [True] + [False] * (cfg.vocab_size - 1)
    state.advance(torch.tensor([PAD]))
    assert state.failed.item() and state.finished.item()


def test_select_reorders_rows():
    aigs = random_batch(2, 6)
    care, value, counts = targets_from_aigs(CFG, aigs)
    state = ConstraintState(CFG, care, value, counts)
    state.advance(state.legal().float().argmax(1))
    picked = state.select(torch.tensor([3, 3, 0]))
    assert torch.equal(picked.legal(), state.legal()[[3, 3, 0]])
    assert torch.equal(picked.positions(), state.positions()[[3, 3, 0]])


def test_conform_label_makes_labels_legal():
    aigs = [a for a in random_batch(4, 200) if TOK.fits(a)]
    conformed = 0
    for aig in aigs:
        values = tables_to_ints(output_tables(CFG, aig))
        label = conform_label(CFG, TOK.encode(aig).tokens.tolist(), values)
        if label is None:
            continue
        conformed += 1
        ref = ReferenceState(CFG, values)
        for t in label:
            ref.advance(t)  # raises if the mask forbids a token
        assert ref.done and label[-1] == EOS
        back = TOK.decode(label, aig.num_inputs, aig.num_outputs)
        assert np.array_equal(output_tables(CFG, back), output_tables(CFG, aig))
        assert back.num_ands <= aig.num_ands
    assert conformed >= 0.5 * len(aigs)


def test_conform_label_never_returns_a_wrong_label():
    aigs = [a for a in random_batch(6, 40) if TOK.fits(a)]
    rejected = 0
    for aig, other in zip(aigs, aigs[1:]):
        values = tables_to_ints(output_tables(CFG, aig))
        label = conform_label(CFG, TOK.encode(other).tokens.tolist(), values)
        if label is None:
            rejected += 1
        else:  # rewrites can repair a label (constant outputs become constants)
            back = TOK.decode(label, aig.num_inputs, aig.num_outputs)
            assert np.array_equal(output_tables(CFG, back), output_tables(CFG, aig))
    assert rejected >= 30
    tokens = TOK.encode(aigs[0]).tokens.tolist()
    values = tables_to_ints(output_tables(CFG, aigs[0]))
    assert conform_label(CFG, tokens[:3], values) is None        # truncated trees
    assert conform_label(CFG, tokens, values[:1]) is None        # one output too many
