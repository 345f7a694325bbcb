"""A tiny randomly initialised circuit transformer, saved as the shipped checkpoint is."""

import pytest
import torch

from circuitlab.transformer.model import CircuitTransformer, ModelConfig
from circuitlab.transformer.tokenizer import TokenizerConfig

# slack 0: a random model spends the default slack on gates without progress and
# reaches the length cap; these tests need its decodes to finish
TC = TokenizerConfig(max_len=96, slack=0)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A randomly initialised tiny model saved in the shipped checkpoint format."""
    torch.manual_seed(0)
    mc = ModelConfig.preset("tiny", vocab_size=TC.vocab_size, pos_dim=TC.pos_dim,
                            feat_dim=2 * TC.num_minterms, max_src_len=TC.max_len,
                            max_tgt_len=TC.max_len, dropout=0.0)
    path = tmp_path_factory.mktemp("ckpt") / "tiny.pt"
    torch.save({"model": CircuitTransformer(mc).state_dict(), "model_config": mc.to_dict(),
                "tokenizer_config": TC.to_dict()}, path)
    return path
