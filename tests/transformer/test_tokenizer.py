import numpy as np
import pytest
from hypothesis import given, settings
from oracle import assert_equivalent, truth_table
from strategies import random_aigs

from circuitlab.aig import AigBuilder
from circuitlab.transformer.tokenizer import (AND, EOS, FALSE, NAND, TRUE, TokenizeError,
                                              Tokenizer, TokenizerConfig)

TOK = Tokenizer(TokenizerConfig(num_inputs=8, num_outputs=2, max_len=512, max_depth=24))


def test_vocabulary_layout():
    assert TOK.vocab_size == 23
    assert TOK.literal_token(0, False) == 7 and TOK.literal_token(7, True) == 22
    assert TOK.token_name(8) == "~x0"
    assert TOK.config.pos_dim == 2 + 48 + 1


def test_known_sequence_and_positions():
    b = AigBuilder()
    x0, x1, x2 = b.add_inputs(3)
    b.add_output(b.and_(x0, x1 ^ 1) ^ 1)
    b.add_output(x2)
    enc = TOK.encode(b.build())
    assert enc.tokens.tolist() == [NAND, 10, 7, 11, EOS]  # builder order: larger fan-in first
    cfg = TOK.config
    assert enc.pos[0, 0] == 1 and enc.pos[0, 2:].sum() == 0           # root of output 0
    assert enc.pos[2, cfg.num_outputs + 1] == 1                        # right child, level 0
    assert enc.pos[3, 1] == 1 and enc.pos[3, 2:].sum() == 0           # root of output 1
    assert enc.pos[4, -1] == 1 and enc.pos[4, :-1].sum() == 0         # EOS


def test_constants_are_tokens():
    b = AigBuilder()
    b.add_inputs(2)
    b.add_output(0)
    b.add_output(1)
    assert TOK.encode(b.build()).tokens.tolist() == [FALSE, TRUE, EOS]


@settings(max_examples=150, deadline=None)
@given(random_aigs(max_inputs=8, max_ands=30, max_outputs=2))
def test_round_trip_is_equivalent(aig):
    if not TOK.fits(aig):
        return
    back = TOK.decode(TOK.encode(aig).tokens, aig.num_inputs, aig.num_outputs)
    assert_equivalent(aig, back)
    assert back.num_ands <= aig.num_ands


def test_decode_merges_equal_functions():
    b = AigBuilder()
    x = b.add_inputs(3)
    b.add_output(b.and_(b.and_(x[0], x[1]), x[2]))
    b.add_output(b.and_(x[0], b.and_(x[1], x[2])))
    aig = b.build()
    assert aig.num_ands == 4
    back = TOK.decode(TOK.encode(aig).tokens, 3, 2)
    assert back.num_ands == 2  # the second output merges into the first by function
    assert np.array_equal(truth_table(back), truth_table(aig))


def _chain(depth):
    b = AigBuilder()
    x = b.add_inputs(2)
    lit = x[0]
    for k in range(depth):
        lit = b.and_(lit, x[1] ^ (k & 1))
        lit = b.and_(lit ^ 1, x[0]) ^ 1
    b.add_output(lit)
    return b.build()


def test_limits_are_refused_not_truncated():
    b = AigBuilder()
    b.add_inputs(9)
    b.add_output(2)
    with pytest.raises(TokenizeError, match="9 inputs"):
        TOK.encode(b.build())
    with pytest.raises(TokenizeError, match="levels deep"):
        TOK.encode(_chain(20))
    wide = AigBuilder()
    x = wide.add_inputs(8)
    lit = x[0]
    for k in range(1, 8):  # 8-input parity: each XOR doubles the tree
        lit = wide.xor(lit, x[k])
    wide.add_output(lit)
    with pytest.raises(TokenizeError, match="tokens"):
        TOK.encode(wide.build())
    three = AigBuilder()
    three.add_inputs(1)
    for _ in range(3):
        three.add_output(2)
    with pytest.raises(TokenizeError, match="3 outputs"):
        TOK.encode(three.build())


def test_decode_rejects_incomplete_sequences():
    with pytest.raises(TokenizeError, match="ends inside"):
        TOK.decode([AND, 7], 8)
    with pytest.raises(TokenizeError, match="expected 2"):
        TOK.decode([7, EOS], 8, 2)
    with pytest.raises(TokenizeError, match="beyond"):
        TOK.decode([22, EOS], 4)
