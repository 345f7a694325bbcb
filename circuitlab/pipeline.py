"""The main job: Verilog designs → AIGs → a synthesis recipe → the circuit
transformer → proven equivalent.

For every design in a folder of ``<name>.v`` files (one design per file; its
top module is chosen as ``circuitlab synth`` chooses it, see
:func:`circuitlab.synth.yosys.find_top`): synthesise with Yosys, record the AIG's size and depth, optimise it with a
recipe, and prove the result equivalent to the original. Then windowed
resynthesis (:func:`circuitlab.optimize.optimize_windows`: windows of at most
8 leaves and 2 roots, resynthesised by the shipped circuit transformer, a
SAT search and the exact table, between classical scripts) shrinks each
optimised AIG, and that result is proven equivalent too. The shipped pre-trained graph encoder
(:func:`circuitlab.nn.load_default_encoder`) embeds every synthesised AIG:
the embeddings go to ``embeddings.npz`` and each row names its nearest other
design by cosine similarity. One JSON line per design is appended
to ``results.jsonl`` in the output folder, with the git revision and
``equivalent`` / ``ct_equivalent`` columns; the AIGs are written beside it.
"""

from __future__ import annotations

import json
import subprocess
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from circuitlab.errors import CircuitlabError, require_at_least, require_choice, require_positive
from circuitlab.training.threads import torch_threads, uses_torch

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
        synth_timeout: seconds per Yosys run.
        transformer: run the circuit-transformer stage.
        window_seconds: time budget of the windowed resynthesis per design
            (:func:`circuitlab.optimize.optimize_windows`).
        checkpoint: model checkpoint (default: the shipped one).
        encoder: embed the synthesised AIGs with the shipped graph encoder.
        qor: evaluate the shipped QoR head on the held-out designs among those
            synthesised (:func:`qor_stage`).
        qor_recipes: recipes per held-out design in that evaluation (the first
            of the head's shared set); 6 keeps the stage near 30 s on this
            shared 2-core machine the first time (aigverse, about 0.55 CPU-s
            per recipe; 8 took 37 s), its labels cached in the output folder
            afterwards (3 s).
    """

    designs: Path = DEFAULT_DESIGNS
    out: Path = Path("out/pipeline")
    recipe: str = "resyn2"
    engine: str = "auto"
    jobs: int = 2
    synth_timeout: float = 600.0
    transformer: bool = True
    window_seconds: float = 2.0
    checkpoint: Path | None = None
    encoder: bool = True
    qor: bool = True
    qor_recipes: int = 6

    def __post_init__(self) -> None:
        from circuitlab.synth.recipes import ENGINES
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.jobs, 1, "jobs")
        require_positive(self.synth_timeout, "synth_timeout")
        require_positive(self.window_seconds, "window_seconds")
        require_at_least(self.qor_recipes, 2, "qor_recipes")


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip() \
            or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def design_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise CircuitlabError(f"{folder}: no such design folder (pass --designs DIR)")
    files = sorted(folder.glob("*.v"))
    if not files:
        raise CircuitlabError(f"{folder}: no .v files")
    return files


def run_design(path: Path, params: PipelineParams) -> dict:
    """Synthesise, optimise and check one design; never raises for a design's own failure."""
    from circuitlab.aig import depth
    from circuitlab.io import write_aiger
    from circuitlab.synth import RecipeParams, run_recipe, synthesize
    from circuitlab.synth.yosys import find_top
    from circuitlab.verify import check_equivalence

    row: dict = {"design": path.stem}
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            row["top"] = find_top([path], timeout=params.synth_timeout)
            aig = synthesize([path], top=row["top"], timeout=params.synth_timeout)
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
    except CircuitlabError as exc:
        row["error"] = str(exc).splitlines()[0]
        row.setdefault("equivalent", "error")
    row["seconds"] = round(time.perf_counter() - start, 2)
    return row


def run_pipeline(params: PipelineParams, progress: bool = True) -> list[dict]:
    """Run every design; rows come back in file-name order."""
    from tqdm import tqdm

    from circuitlab.synth.recipes import parse_recipe, resolve_engine

    parse_recipe(params.recipe)  # a bad recipe or engine fails once, before any work
    resolve_engine(params.engine)
    files = design_files(params.designs)
    rows: dict[str, dict] = {}
    with ProcessPoolExecutor(max_workers=max(1, params.jobs)) as pool:
        futures = [pool.submit(run_design, f, params) for f in files]
        for fut in tqdm(as_completed(futures), total=len(futures), desc="designs",
                        disable=not progress, leave=False):
            row = fut.result()
            rows[row["design"]] = row
    ordered = [rows[f.stem] for f in files]
    if params.transformer:
        transformer_stage(ordered, params, progress)
    if params.encoder:
        encoder_stage(ordered, params)
    if params.qor:
        qor_stage(ordered, params, progress)
    rev = git_revision()
    params.out.mkdir(parents=True, exist_ok=True)
    with open(params.out / "results.jsonl", "a") as fh:
        for row in ordered:
            fh.write(json.dumps({"git": rev, "recipe": params.recipe, **row}) + "\n")
    return ordered



def transformer_stage(rows: list[dict], params: PipelineParams, progress: bool = True) -> None:
    """Shrink every optimised design by windowed resynthesis, in place.

    Each ``<design>.opt.aig`` goes through
    :func:`circuitlab.optimize.optimize_windows` (the transformer, the exact
    search and table, the classical scripts) for ``params.window_seconds``;
    the result, proven equivalent (or the input itself), is written to
    ``<design>.ct.aig``. Rows get ``ands_ct``, ``ct_windows`` (windows
    tried), ``ct_improved`` (substitutions kept), ``ct_equivalent``,
    ``ct_seconds`` and, when the input came back unchanged, ``ct_note``.
    """
    from tqdm import tqdm

    from circuitlab.io import read_aiger, write_aiger
    from circuitlab.optimize import WindowParams, optimize_windows
    from circuitlab.optimize.model import load_model

    todo = [r for r in rows if "ands_opt" in r
            and (params.out / f"{r['design']}.opt.aig").exists()]
    if not todo:
        return
    model, tokenizer = load_model(params.checkpoint, "cpu")
    # no &deepsyn: it runs for its whole time share, the window passes stop at a fixed point
    windows = WindowParams(seconds=params.window_seconds, engine=params.engine, deepsyn=0.0)
    with torch_threads():
        for row in tqdm(todo, desc="windows", disable=not progress, leave=False):
            aig = read_aiger(params.out / f"{row['design']}.opt.aig")
            try:
                new, stats = optimize_windows(aig, windows, model, tokenizer)
            except CircuitlabError as exc:
                row["ct_error"] = str(exc).splitlines()[0]
                row["ct_equivalent"] = "error"
                continue
            write_aiger(new, params.out / f"{row['design']}.ct.aig")
            # the input itself comes back when a result was not proven: still equivalent
            verdict = "equivalent" if new is aig else stats.verdict.name.lower()
            row.update(ands_ct=new.num_ands, ct_windows=stats.windows_tried,
                       ct_improved=sum(stats.accepted.values()), ct_equivalent=verdict,
                       ct_seconds=round(stats.seconds, 2))
            if stats.note:
                row["ct_note"] = stats.note


EMBEDDINGS = "embeddings.npz"


@uses_torch
def encoder_stage(rows: list[dict], params: PipelineParams) -> None:
    """Embed every synthesised AIG with the shipped encoder; add ``nearest`` to each row.

    Writes ``embeddings.npz`` in the output folder: ``designs`` [F] and
    ``graphs`` [F, P] (one row per design that synthesised, in order).
    Each of those rows gets ``nearest`` (the other design of highest cosine
    similarity) and ``nearest_cos``; a failure sets ``encoder_error``.
    """
    import numpy as np

    from circuitlab.fsutil import atomic_path
    from circuitlab.io import read_aiger
    from circuitlab.nn.pretrained import load_encoder
    from circuitlab.inference import encode_aigs

    todo = [r for r in rows if (params.out / f"{r['design']}.aig").exists() and "ands" in r]
    if not todo:
        return
    try:
        encoder = load_encoder()
        aigs = [read_aiger(params.out / f"{r['design']}.aig") for r in todo]
        graphs, _ = encode_aigs(aigs, encoder, names=[r["design"] for r in todo])
    except CircuitlabError as exc:
        for row in todo:
            row["encoder_error"] = str(exc).splitlines()[0]
        return
    with atomic_path(params.out / EMBEDDINGS) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, designs=np.array([r["design"] for r in todo]), graphs=graphs)
    if len(todo) < 2:
        return
    unit = graphs / np.maximum(np.linalg.norm(graphs, axis=1, keepdims=True), 1e-12)
    cos = unit @ unit.T
    np.fill_diagonal(cos, -np.inf)
    for k, row in enumerate(todo):
        j = int(np.argmax(cos[k]))
        row.update(nearest=todo[j]["design"], nearest_cos=round(float(cos[k, j]), 4))


QOR_CACHE = "qor-cache"


@uses_torch
def qor_stage(rows: list[dict], params: PipelineParams, progress: bool = True) -> None:
    """Rank recipes on the held-out designs with the shipped QoR head; add ``qor`` to their rows.

    The held-out designs are those the shipped encoder and head never saw
    (the checkpoint's ``heldout``); each that synthesised is labelled with
    the first ``params.qor_recipes`` recipes of the head's shared set
    (labels cached in ``<out>/qor-cache``). Its row gets ``qor``:
    ``{"model": {...}, "baseline": {...}, "spread", "recipes"}`` (the
    metrics of :func:`circuitlab.tasks.qor.evaluate`; the baseline is the
    recipes' mean rank over the head's training designs) and
    ``qor_seconds``, the stage's wall time. A failure sets ``qor_error``
    on those rows.
    """
    import numpy as np

    from circuitlab.io import read_aiger
    from circuitlab.tasks import Design

    start = time.perf_counter()
    try:
        from circuitlab.tasks.qor_head import load_head
        head, encoder, meta = load_head()
    except CircuitlabError as exc:
        for row in rows:
            row["qor_error"] = str(exc).splitlines()[0]
        return
    held = set(meta.get("heldout", ()))
    todo = [r for r in rows if r["design"] in held and "ands" in r
            and (params.out / f"{r['design']}.aig").exists()]
    if not todo:
        return
    import torch

    from circuitlab.inference import encode_aigs
    from circuitlab.tasks.qor import baseline_predictions, evaluate
    from circuitlab.tasks.qor_labels import recipe_labels, shared_recipes
    from circuitlab.tasks.recipe_encoder import recipe_tokens

    count = min(params.qor_recipes, meta["recipes"]["count"])
    recipes = shared_recipes(count, meta["recipes"]["seed"], meta["recipes"]["length"])
    try:
        designs = [Design(r["design"], read_aiger(params.out / f"{r['design']}.aig"))
                   for r in todo]
        labels, _ = recipe_labels(designs, recipes, meta["recipes"]["engine"],
                                  params.out / QOR_CACHE, params.jobs, progress=progress)
        graphs, _ = encode_aigs([d.aig for d in designs], encoder,
                                names=[d.name for d in designs])
        base_score, base_ratio = baseline_predictions(
            np.asarray(meta["train_ands"])[:, :count], np.asarray(meta["train_ands_before"]))
        tokens = recipe_tokens(recipes)
        for row, design, graph in zip(todo, designs, graphs):
            score, pred = head.predict(torch.as_tensor(graph), tokens, design.aig.num_ands)
            result = evaluate(design.name, labels[design.name][:, 0], design.aig.num_ands,
                              score.numpy(), pred.numpy(), base_score, base_ratio)
            row["qor"] = {side: {k: None if np.isnan(v) else round(float(v), 4)
                                 for k, v in result[side].items()}
                          for side in ("model", "baseline")}
            row["qor"].update(spread=result["spread"], recipes=count)
    except CircuitlabError as exc:
        for row in todo:
            row["qor_error"] = str(exc).splitlines()[0]
        return
    seconds = round(time.perf_counter() - start, 1)
    for row in todo:
        row["qor_seconds"] = seconds
