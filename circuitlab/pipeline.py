"""The main job: Verilog designs → AIGs → a synthesis recipe → the circuit
transformer → proven equivalent.

For every design in a folder of ``<name>.v`` files (one design per file; its
top module is chosen as ``circuitlab synth`` chooses it, see
:func:`circuitlab.synth.design.read_design`): synthesise with Yosys, record the AIG's size and depth, optimise it with a
recipe, and prove the result equivalent to the original. Then windowed
resynthesis (:func:`circuitlab.optimize.optimize_windows`: windows of at most
8 leaves and 2 roots, resynthesised by the shipped circuit transformer, a
SAT search and the exact table, between classical scripts) shrinks each
optimised AIG, and that result is proven equivalent too; the held-out
designs of the shipped QoR head get its recipe ranking judged. Each stage
takes the design's circuits in memory. As each design finishes, one JSON
line is appended to ``results.jsonl`` in the output folder, with the git
revision and ``equivalent`` / ``win_equivalent`` columns; the AIGs are
written beside it, and a rerun skips the designs already there. Last, the
shipped pre-trained graph encoder (:func:`circuitlab.nn.load_default_encoder`)
embeds every synthesised AIG into ``embeddings.npz``, with each design's
nearest other design by cosine similarity.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from circuitlab.aig import depth
from circuitlab.errors import CircuitlabError, require_at_least, require_choice, require_positive
from circuitlab.fsutil import atomic_path
from circuitlab.inference import encode_aigs
from circuitlab.io import write_aiger
from circuitlab.io.aiger import parse_aiger
from circuitlab.io.abc_process import abc_available
from circuitlab.io.aiger_write import dump_aiger
from circuitlab.parallel import pmap
from circuitlab.synth.design import DesignParams, VERILOG_SUFFIXES, list_designs, read_design_top
from circuitlab.tasks import Design
from circuitlab.tasks.qor import evaluate_head
from circuitlab.tasks.similarity import pairwise_cosine
from circuitlab.training.threads import torch_threads
from circuitlab.verify import check_equivalence

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DESIGNS = PROJECT_ROOT / "data" / "designs"


@dataclass(frozen=True)
class PipelineParams:
    """Attributes:
        designs: folder of ``<name>.v`` files, one design each.
        out: output folder (AIGs and ``results.jsonl``).
        recipe: script name or ``;``-separated steps.
        engine: recipe engine, ``auto``/``abc``/``aigverse``.
        jobs: worker processes.
        synthesis: how each design is read (top, includes, defines, Yosys time limit).
        transformer: run the circuit-transformer stage.
        window_seconds: time budget of the windowed resynthesis per design
            (:func:`circuitlab.optimize.optimize_windows`).
        checkpoint: model checkpoint (default: the shipped one).
        encoder: embed the synthesised AIGs with the shipped graph encoder.
        qor: evaluate the shipped QoR head on the held-out designs among those
            synthesised (:func:`qor_stage`).
        qor_recipes: recipes per held-out design in that evaluation (the first
            of the head's shared set; labels cached in the output folder).
    """

    designs: Path = DEFAULT_DESIGNS
    out: Path = Path("out/pipeline")
    recipe: str = "resyn2"
    engine: str = "auto"
    jobs: int = 2
    synthesis: DesignParams = DesignParams()
    transformer: bool = True
    window_seconds: float = 2.0
    checkpoint: Path | None = None
    encoder: bool = True
    qor: bool = True
    qor_recipes: int = 6

    def __post_init__(self) -> None:
        from circuitlab.synth.recipes import ENGINES  # loads aigverse: only when used
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.jobs, 1, "jobs")
        require_positive(self.window_seconds, "window_seconds")
        require_at_least(self.qor_recipes, 2, "qor_recipes")


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip() \
            or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


RESULTS = "results.jsonl"
ROW_FIELDS = ("recipe", "engine", "synthesis", "transformer", "window_seconds",
              "checkpoint", "qor", "qor_recipes")
"""The parameters a design's row depends on; a row made under others is not reused."""


def run_key(params: PipelineParams) -> str:
    """16 hex digits naming the parameters in :data:`ROW_FIELDS` (the ``run`` column)."""
    fields = {name: str(getattr(params, name)) for name in ROW_FIELDS}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def source_digest(path: Path) -> str:
    """16 hex digits of SHA-256 of a design file (the ``source`` column)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def finished_rows(results: Path, key: str) -> dict[tuple[str, str], dict]:
    """``{(design, source): row}`` of the rows of run ``key`` in ``results`` (the last wins).

    A last line cut short by an interrupted write is ignored.
    """
    if not results.is_file():
        return {}
    rows = {}
    for line in results.read_text(errors="replace").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and row.get("run") == key and "design" in row:
            rows[(row["design"], row.get("source"))] = row
    return rows


def append_row(results: Path, row: dict) -> None:
    """Append ``row`` as one JSON line, in one write, flushed to disk."""
    results.parent.mkdir(parents=True, exist_ok=True)
    with open(results, "a") as fh:
        if fh.tell() > 0:
            with open(results, "rb") as check:  # a line cut short ends where it stopped
                check.seek(-1, 2)
                if check.read(1) != b"\n":
                    fh.write("\n")
        fh.write(json.dumps(row) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def run_design(path: Path, params: PipelineParams) -> tuple[dict, bytes | None, bytes | None]:
    """Synthesise, optimise and check one design; never raises for a design's own failure.

    Returns the row and the AIGER bytes of the synthesised and the optimised
    circuit (``None`` after a failure); both are also written to the output folder.
    """
    # looked up at call time: tests stand in for it
    from circuitlab.synth import RecipeParams, run_recipe

    row: dict = {"design": path.stem}
    start = time.perf_counter()
    blobs: tuple[bytes | None, bytes | None] = (None, None)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            aig, row["top"] = read_design_top(path, params.synthesis)
        if caught:
            row["warning"] = "; ".join(str(w.message) for w in caught)
        row.update(inputs=aig.num_inputs, latches=aig.num_latches, outputs=aig.num_outputs,
                   ands=aig.num_ands, levels=depth(aig))
        opt, stats = run_recipe(aig, params.recipe, RecipeParams(engine=params.engine))
        row.update(ands_opt=opt.num_ands, levels_opt=depth(opt), recipe_engine=stats.engine)
        result = check_equivalence(aig, opt)
        row.update(equivalent=result.verdict.name.lower(), cec_engine=result.engine)
        params.out.mkdir(parents=True, exist_ok=True)
        write_aiger(aig, params.out / f"{path.stem}.aig")
        write_aiger(opt, params.out / f"{path.stem}.opt.aig")
        blobs = (dump_aiger(aig), dump_aiger(opt))
    except CircuitlabError as exc:
        row["error"] = str(exc).splitlines()[0]
        row.setdefault("equivalent", "error")
    row["seconds"] = round(time.perf_counter() - start, 2)
    return (row, *blobs)


def run_pipeline(params: PipelineParams, progress: bool = True) -> list[dict]:
    """Run every design not already in ``results.jsonl``; rows come back in file-name order.

    Designs run in a worker pool (:func:`circuitlab.parallel.pmap`); as each
    comes back, the later stages take its circuits in memory and its row is
    appended to ``results.jsonl`` at once, so an interrupted run keeps every
    finished row. A rerun into the same folder with the same parameters
    (:func:`run_key`) skips the designs whose file has a row there already.
    The encoder stage runs last, over every design.
    """
    from tqdm import tqdm

    # loads aigverse: only when used
    from circuitlab.synth.recipes import parse_recipe, resolve_engine

    parse_recipe(params.recipe)  # a bad recipe or engine fails once, before any work
    resolve_engine(params.engine)
    files = list_designs(params.designs, VERILOG_SUFFIXES)
    key = run_key(params)
    results = params.out / RESULTS
    finished = finished_rows(results, key)
    rows: dict[str, dict] = {}
    aigs: dict[str, object] = {}
    todo = []
    for path in files:
        digest = source_digest(path)
        row = finished.get((path.stem, digest))
        if row is None:
            todo.append((path, digest))
        else:
            rows[path.stem] = row
    rev = git_revision()
    with tqdm(total=len(todo), desc="designs", disable=not progress, leave=False) as bar:
        for k, (row, aiger, opt_aiger) in pmap(run_design, [(p, params) for p, _ in todo],
                                               params.jobs):
            if aiger is not None:
                aig, opt = parse_aiger(aiger, row["design"]), parse_aiger(opt_aiger, row["design"])
                aigs[row["design"]] = aig
                if params.transformer:
                    windows_stage([row], [opt], params)
                if params.qor:
                    qor_stage([row], [aig], params)
            row = {"git": rev, "recipe": params.recipe, "run": key, "source": todo[k][1],
                   **row}
            append_row(results, row)
            rows[row["design"]] = row
            bar.update()
    ordered = [rows[f.stem] for f in files]
    if params.encoder:
        from circuitlab.io import read_aiger
        done = [r for r in ordered if "ands" in r and (r["design"] in aigs or (
            params.out / f"{r['design']}.aig").is_file())]
        # designs finished by an earlier run are read back from the output folder
        encoder_stage(done, [aigs.get(r["design"]) or read_aiger(params.out / f"{r['design']}.aig")
                             for r in done], params)
    return ordered


@functools.lru_cache(maxsize=2)
def _transformer(checkpoint: Path | None):
    """The circuit transformer and its tokenizer, loaded once per run."""
    from circuitlab.optimize.model import load_optimize_model  # loads aigverse: only when used
    return load_optimize_model(checkpoint, "cpu")


def windows_stage(rows: list[dict], opts: list, params: PipelineParams) -> None:
    """Shrink each optimised design (``opts[k]``, row ``rows[k]``) by windowed resynthesis.

    Each goes through :func:`circuitlab.optimize.optimize_windows` (the
    transformer, the exact search and table, the classical scripts) for
    ``params.window_seconds``; the result, proven equivalent (or the input
    itself), is written to ``<design>.win.aig``. Rows get ``ands_win``,
    ``win_tried`` (windows tried), ``win_improved`` (substitutions kept),
    ``win_equivalent``, ``win_seconds`` and, when the input came back
    unchanged, ``win_note``; a failure sets ``win_error``.
    """
    from circuitlab.optimize import WindowParams, optimize_windows  # loads aigverse: only when used

    if not rows:
        return
    model, tokenizer = _transformer(params.checkpoint)
    # no &deepsyn: it runs for its whole time share, the window passes stop at a fixed point
    windows = WindowParams(seconds=params.window_seconds, engine=params.engine, deepsyn=0.0)
    with torch_threads():
        for row, aig in zip(rows, opts):
            try:
                new, stats = optimize_windows(aig, windows, model, tokenizer)
            except CircuitlabError as exc:
                row["win_error"] = str(exc).splitlines()[0]
                row["win_equivalent"] = "error"
                continue
            write_aiger(new, params.out / f"{row['design']}.win.aig")
            # the input itself comes back when a result was not proven: still equivalent
            verdict = "equivalent" if new is aig else stats.verdict.name.lower()
            row.update(ands_win=new.num_ands, win_tried=stats.windows_tried,
                       win_improved=sum(stats.accepted.values()), win_equivalent=verdict,
                       win_seconds=round(stats.seconds, 2))
            if stats.note:
                row["win_note"] = stats.note


EMBEDDINGS = "embeddings.npz"


def encoder_stage(rows: list[dict], aigs: list, params: PipelineParams) -> None:
    """Embed the designs' AIGs with the shipped encoder; add ``nearest`` to each row.

    Writes ``embeddings.npz`` in the output folder: ``designs`` [F],
    ``graphs`` [F, P] (one row per design, in order), and ``nearest`` [F]
    and ``nearest_cos`` [F] (the other design of highest cosine similarity,
    :func:`circuitlab.tasks.similarity.pairwise_cosine`, when ``F >= 2``),
    which the rows get too; a failure sets ``encoder_error``.
    """
    import numpy as np

    # loads torch, torch_geometric: only when used
    from circuitlab.nn.pretrained import load_encoder

    if not rows:
        return
    try:
        with torch_threads():
            graphs, _ = encode_aigs(aigs, load_encoder(), names=[r["design"] for r in rows])
    except CircuitlabError as exc:
        for row in rows:
            row["encoder_error"] = str(exc).splitlines()[0]
        return
    names = np.array([r["design"] for r in rows])
    arrays = {"designs": names, "graphs": graphs}
    if len(rows) >= 2:
        cos = pairwise_cosine(graphs)
        np.fill_diagonal(cos, -np.inf)
        nearest = cos.argmax(axis=1)
        arrays.update(nearest=names[nearest], nearest_cos=cos[np.arange(len(rows)), nearest])
        for k, row in enumerate(rows):
            row.update(nearest=str(names[nearest[k]]),
                       nearest_cos=round(float(arrays["nearest_cos"][k]), 4))
    with atomic_path(params.out / EMBEDDINGS) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


QOR_CACHE = "qor-cache"


def qor_stage(rows: list[dict], aigs: list, params: PipelineParams) -> None:
    """Rank recipes on the held-out designs with the shipped QoR head; add ``qor`` to their rows.

    The held-out designs are those the shipped encoder and head never saw
    (the checkpoint's ``heldout``); each of ``rows`` among them (its AIG
    ``aigs[k]``) is evaluated by :func:`circuitlab.tasks.qor.evaluate_head`
    on the first ``params.qor_recipes`` recipes of the head's shared set
    (labels cached in ``<out>/qor-cache``; by the head's engine, aigverse
    where that is ABC and ABC is not installed). Its row gets ``qor``:
    ``{"model", "baseline", "random": {...}, "spread", "recipes", "engine"}`` (the
    metrics of :func:`circuitlab.tasks.qor.evaluate`; the baseline is the
    recipes' mean rank over the head's training designs, ``random`` the
    expected value of a random order) and ``qor_seconds``, the stage's wall
    time. A failure sets ``qor_error`` on those rows.
    """
    import numpy as np

    start = time.perf_counter()
    try:
        head, encoder, meta = _qor_head()
    except CircuitlabError as exc:
        for row in rows:
            row["qor_error"] = str(exc).splitlines()[0]
        return
    held = set(meta.get("heldout", ()))
    todo = [(r, a) for r, a in zip(rows, aigs) if r["design"] in held]
    if not todo:
        return
    count = min(params.qor_recipes, meta["recipes"]["count"])
    engine = meta["recipes"]["engine"]
    if engine == "abc" and not abc_available():
        engine = "aigverse"  # pip-only: the same recipes, labelled by the other engine
    try:
        with torch_threads():
            results = evaluate_head(head, encoder, meta,
                                    [Design(r["design"], a) for r, a in todo], count,
                                    cache=params.out / QOR_CACHE, jobs=params.jobs,
                                    engine=engine)
    except CircuitlabError as exc:
        for row, _ in todo:
            row["qor_error"] = str(exc).splitlines()[0]
        return
    seconds = round(time.perf_counter() - start, 1)
    for (row, _), result in zip(todo, results):
        row["qor"] = {side: {k: None if np.isnan(v) else round(float(v), 4)
                             for k, v in result[side].items()}
                      for side in ("model", "baseline", "random")}
        row["qor"].update(spread=result["spread"], recipes=count, engine=engine)
        row["qor_seconds"] = seconds


@functools.lru_cache(maxsize=1)
def _qor_head():
    """The shipped QoR head, its encoder and facts, loaded once per run."""
    from circuitlab.tasks.qor_head import load_head  # loads torch, torch_geometric: only when used
    return load_head()
