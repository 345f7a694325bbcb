"""A value learned from the model's own decodes, and decoding guided by it.

:class:`ValueHead` reads the decoder's state at a step and predicts, for
every next token, the size of the circuit a decode ends at after taking it,
as a fraction of the source's ANDs (a decode that hits a cap counts 1: the
source is kept, as :func:`~circuitlab.transformer.decode.finish` does). It
is fitted by regression on the tokens the model itself sampled
(:func:`collect`, :func:`fit_value`): Monte-Carlo returns of the sampling
policy, so it judges a choice by where the model goes after it.

:class:`ValueGuide` subtracts ``weight`` times that prediction from the
logits before the mask, so every search (greedy, sampling, beam, MCTS
priors and roll-outs) prefers the tokens predicted to end smaller; the
equivalence guarantee is the mask's and is untouched. ``weight`` is in
logits per source-size fraction: at 10, a token predicted to end 10 % of
the source smaller gains one logit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import torch
from torch import nn

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.transformer.decode import prepare, run_decoder, sampling_choice
from circuitlab.transformer.tokenizer import Tokenizer

__all__ = ["ValueData", "ValueGuide", "ValueHead", "collect", "fit_value", "load_value",
           "model_digest", "save_value", "value_error"]

KIND = "transformer-value"


class ValueHead(nn.Module):
    """Decoder state ``[B, d_model]`` -> predicted final size fraction per next token
    ``[B, vocab_size]``."""

    def __init__(self, d_model: int, vocab_size: int, hidden: int = 256):
        super().__init__()
        self.d_model, self.vocab_size, self.hidden = d_model, vocab_size, hidden
        self.net = nn.Sequential(nn.Linear(d_model, hidden), nn.GELU(),
                                 nn.Linear(hidden, vocab_size))

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return self.net(states)


@dataclass
class ValueGuide:
    """Logits ``- weight * head(states)``: what :class:`~circuitlab.transformer.decode.Cursor`
    applies before its mask."""

    head: ValueHead
    weight: float

    @torch.no_grad()
    def shape(self, logits: torch.Tensor, states: torch.Tensor) -> torch.Tensor:
        return logits - self.weight * self.head(states.to(logits.dtype))


@dataclass
class ValueData:
    """One row per decoding step of a sampled decode: ``states`` ``[N, d_model]``
    float32, ``tokens`` ``[N]`` the token taken, ``target`` ``[N]`` the size
    fraction its decode ended at, ``circuit`` ``[N]`` the source's index."""

    states: torch.Tensor
    tokens: torch.Tensor
    target: torch.Tensor
    circuit: torch.Tensor

    def __len__(self) -> int:
        return len(self.tokens)

    def where(self, keep: torch.Tensor) -> ValueData:
        return ValueData(self.states[keep], self.tokens[keep], self.target[keep],
                         self.circuit[keep])

    def advantage(self) -> ValueData:
        """The same rows, each target less the mean target of its circuit's rows: what
        a choice adds to where the circuit's decodes end, the only part a guide
        uses (a constant per step leaves the softmax unchanged)."""
        counts = torch.bincount(self.circuit).double()
        sums = torch.bincount(self.circuit, self.target.double())
        mean = (sums / counts.clamp(min=1)).float()
        return ValueData(self.states, self.tokens, self.target - mean[self.circuit], self.circuit)


@torch.no_grad()
def collect(model, tokenizer: Tokenizer, aigs: Sequence[Aig], samples: int = 8,
            temperature: float = 1.0, seed: int = 0, chunk: int = 64) -> ValueData:
    """Sample ``samples`` decodes per circuit and record every step (the model's
    own policy; ``chunk`` circuits at a time).

    Raises:
        TokenizeError: a circuit exceeds the model's limits.
    """
    device = next(model.parameters()).device
    gen = torch.Generator(device=device).manual_seed(seed)
    choose = sampling_choice(temperature, gen)
    parts = []
    for lo in range(0, len(aigs), chunk):
        part = list(aigs[lo:lo + chunk])
        owner = torch.arange(len(part)).repeat_interleave(samples)
        batch = prepare(tokenizer, part, None, device).select(owner.to(device))
        states, tokens, rows = [], [], []

        def observe(s, t, r):
            states.append(s.float().cpu())
            tokens.append(t.cpu())
            rows.append(r.cpu())
        decoded = run_decoder(model, tokenizer, batch, choose, observe=observe)
        seqs, failed = decoded.tokens.cpu().tolist(), decoded.failed.cpu().tolist()
        frac = torch.empty(len(owner))
        for r, k in enumerate(owner.tolist()):
            src = part[k]
            size = src.num_ands if failed[r] else \
                tokenizer.decode(seqs[r], src.num_inputs, src.num_outputs).num_ands
            frac[r] = size / max(1, src.num_ands)
        row = torch.cat(rows)
        parts.append(ValueData(torch.cat(states), torch.cat(tokens), frac[row],
                               owner[row] + lo))
    return ValueData(*(torch.cat([getattr(p, f) for p in parts])
                       for f in ("states", "tokens", "target", "circuit")))


def fit_value(data: ValueData, d_model: int, vocab_size: int, hidden: int = 256,
              epochs: int = 4, batch_size: int = 1024, lr: float = 1e-3,
              seed: int = 0) -> tuple[ValueHead, list[float]]:
    """A :class:`ValueHead` fitted by mean squared error on the taken tokens;
    returns it (eval mode) and the mean training loss of each epoch."""
    torch.manual_seed(seed)
    head = ValueHead(d_model, vocab_size, hidden)
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.0)
    steps = epochs * ((len(data) + batch_size - 1) // batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(1, steps))
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(data), generator=gen)
        total = 0.0
        for lo in range(0, len(data), batch_size):
            idx = order[lo:lo + batch_size]
            pred = head(data.states[idx]).gather(1, data.tokens[idx, None])[:, 0]
            loss = torch.mean((pred - data.target[idx]) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / len(data))
    return head.eval(), losses


@torch.no_grad()
def value_error(head: ValueHead, data: ValueData) -> dict[str, float]:
    """How well ``head`` predicts ``data``: its mean squared error beside two
    constants (the mean target; each row's circuit's mean target, what knowing
    the circuit but not the choices gives), and ``within_corr``, the
    correlation of prediction and target once each circuit's mean is taken
    from both (how well it ranks one circuit's choices, what a guide uses)."""
    pred = head(data.states).gather(1, data.tokens[:, None])[:, 0]
    target = data.target.double()
    within_pred = ValueData(data.states, data.tokens, pred, data.circuit).advantage().target
    within_target = data.advantage().target
    per = target - within_target.double()
    corr = torch.corrcoef(torch.stack([within_pred.double(), within_target.double()]))[0, 1]
    return {"mse": float(torch.mean((pred.double() - target) ** 2)),
            "mse_mean": float(torch.mean((target - target.mean()) ** 2)),
            "mse_circuit_mean": float(torch.mean((target - per) ** 2)),
            "within_corr": float(corr)}


def model_digest(model) -> str:
    """A hash of ``model``'s weights: a value head belongs to the model it was fitted on."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().to(torch.float16).cpu().numpy().tobytes())
    return h.hexdigest()[:16]


def save_value(path: str | Path, head: ValueHead, model, info: dict) -> None:
    """Write ``head`` with the digest of the model it reads (fp16 weights)."""
    from circuitlab.training.checkpoint import save_checkpoint
    config = {"d_model": head.d_model, "vocab_size": head.vocab_size, "hidden": head.hidden,
              "model_digest": model_digest(model), **info}
    state = {"value": {k: v.half() for k, v in head.state_dict().items()}}
    save_checkpoint(path, KIND, config, state)


def load_value(path: str | Path, model) -> ValueHead:
    """The value head in ``path``, checked to belong to ``model``.

    Raises:
        CircuitlabError: the file is missing, not a value head, or was fitted
            on another model's decodes.
    """
    from circuitlab.training.checkpoint import load_checkpoint, loading
    ckpt = load_checkpoint(path, KIND)
    config = ckpt["config"]
    if config["model_digest"] != model_digest(model):
        raise CircuitlabError(f"{path}: the value head was fitted on another transformer "
                              f"(weights {config['model_digest']}, this one "
                              f"{model_digest(model)}); fit one for this model")
    with loading(path, "the value head"):
        head = ValueHead(config["d_model"], config["vocab_size"], config["hidden"])
        head.load_state_dict({k: v.float() for k, v in ckpt["value"].items()})
    return head.eval()
