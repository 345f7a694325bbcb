"""Circuit-transformer checkpoints: the shipped one and the loader of any, for inference.

The format is :mod:`circuitlab.training.checkpoint`'s, kind
``"transformer"``; its ``config`` holds ``model`` (the :class:`ModelConfig`),
``tokenizer`` (the :class:`TokenizerConfig`) and ``train`` (the training
run's config), so a checkpoint loads with nothing else.
"""

from __future__ import annotations

from pathlib import Path


from circuitlab.errors import CircuitlabError
from circuitlab.training.checkpoint import FORMAT, load_checkpoint, loading, save_checkpoint
from circuitlab.transformer.model import CircuitTransformer, ModelConfig
from circuitlab.transformer.tokenizer import Tokenizer, TokenizerConfig

__all__ = ["DEFAULT_CHECKPOINT", "KIND", "export_weights", "load_transformer",
           "load_transformer_checkpoint", "save_transformer"]

KIND = "transformer"
DEFAULT_CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "default.pt"
"""The shipped transformer (``experiments/train_transformer.py``): fp16 weights and configs."""


def _legacy(state: dict) -> dict | None:
    """The files written before the shared format: three config entries beside the weights."""
    if not {"model_config", "tokenizer_config", "model"} <= set(state):
        return None
    config = {"model": state["model_config"], "tokenizer": state["tokenizer_config"],
              "train": state.get("train_config", {})}
    rest = {k: v for k, v in state.items()
            if k not in ("model_config", "tokenizer_config", "train_config")}
    return {**rest, "format": FORMAT, "kind": KIND, "config": config}


def save_transformer(path: str | Path, model: CircuitTransformer, tokenizer: TokenizerConfig,
                     train: dict, state: dict) -> None:
    """Write ``model``'s configs and ``state`` (``model`` weights, ``step``, ...) atomically."""
    config = {"model": model.config.to_dict(), "tokenizer": tokenizer.to_dict(), "train": train}
    save_checkpoint(path, KIND, config, state)


def load_transformer_checkpoint(path: str | Path, device="cpu") -> dict:
    """The dict of a transformer checkpoint (``config``, ``model``, ``step``, ...).

    Raises:
        CircuitlabError: the file is missing or not a transformer checkpoint.
    """
    return load_checkpoint(path, KIND, map_location=device, legacy=_legacy)


def load_transformer(path: str | Path | None = None,
                     device="cpu") -> tuple[CircuitTransformer, Tokenizer]:
    """A model and its tokenizer from a checkpoint (training or shipped), in eval mode.

    ``path`` ``None`` is the shipped model (:data:`DEFAULT_CHECKPOINT`);
    half-precision weights are widened to float32.

    Raises:
        CircuitlabError: the file is missing, not a transformer checkpoint, or
            its weights do not fit its config.
    """
    if path is None:
        path = DEFAULT_CHECKPOINT
        if not path.exists():
            raise CircuitlabError(f"the shipped transformer checkpoint is missing ({path}); "
                                  "reinstall circuitlab or pass --checkpoint")
    ckpt = load_transformer_checkpoint(path, device)
    with loading(path, "the transformer"):
        model = CircuitTransformer(ModelConfig.from_dict(ckpt["config"]["model"]))
        model.load_state_dict({k: v.float() for k, v in ckpt["model"].items()})
        tokenizer = Tokenizer(TokenizerConfig.from_dict(ckpt["config"]["tokenizer"]))
    return model.to(device).eval(), tokenizer


def export_weights(checkpoint: str | Path, path: str | Path, half: bool = True) -> None:
    """Write the model weights and configs only (the form shipped in the package)."""
    ckpt = load_transformer_checkpoint(checkpoint)
    weights = {k: (v.half() if half and v.is_floating_point() else v)
               for k, v in ckpt["model"].items()}
    save_checkpoint(path, KIND, ckpt["config"], {"model": weights, "step": ckpt["step"]})


