"""Tables and plots of a results file: :func:`write_report`.

Every number is computed here from the JSON lines of
:func:`~circuitlab.protocol.run_experiment`, never read from a stored
average: per task, one row per encoder cell and one for the task's
non-learned baseline, each metric as the mean over seeds ± the half-width
of its 95 % Student-t confidence interval, with ``n`` the seeds; then the
same per test design. A task that records several baselines
(``info["baselines"]``: name -> metrics) gets one row per baseline instead,
and a ranking task's ``info["random_order"]`` a ``random order`` row. A
baseline's value for a seed is the mean of the baseline metrics recorded by
that seed's lines (a baseline does not read the encoder, so they agree).
The same lines give the same markdown, byte for byte.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from circuitlab.errors import CircuitlabError
from circuitlab.protocol.runner import read_lines
from circuitlab.protocol.stats import Summary, finite, summarise
from circuitlab.fsutil import atomic_path, check_output_dir

BASELINE = "baseline"
RANDOM = "random order"
REPORT = "report.md"


def select(records: list[dict], config_hash: str | None = None) -> tuple[list[dict], str]:
    """The lines of one config: ``config_hash``, or the last line's.

    Raises:
        CircuitlabError: no line, or none of ``config_hash``.
    """
    if not records:
        raise CircuitlabError("the results file has no lines")
    digest = config_hash or records[-1]["config_hash"]
    chosen = [r for r in records if r["config_hash"] == digest]
    if not chosen:
        raise CircuitlabError(f"no line of config {digest}")
    return chosen, digest


def latest_ok(records: list[dict]) -> dict[tuple[int, str, str], dict]:
    """The last ``"ok"`` line of each (seed, encoder, task)."""
    return {(r["seed"], r["encoder"], r["task"]): r for r in records if r["status"] == "ok"}


def _ordered(items) -> list:
    return list(dict.fromkeys(items))


def task_table(lines: dict, task: str, encoders: list[str]) -> tuple[list[str], dict]:
    """Metrics of ``task`` and ``{row: {metric: Summary}}`` (rows: encoders, then baseline)."""
    mine = [r for key, r in sorted(lines.items()) if key[2] == task]
    metrics = _ordered(m for r in mine for m in (*r["metrics"], *r["baseline"]))
    table = {}
    for enc in encoders:
        rows = [r for r in mine if r["encoder"] == enc]
        if rows:
            table[enc] = {m: summarise(r["metrics"].get(m) for r in rows) for m in metrics}
    named = _ordered(n for r in mine for n in r.get("info", {}).get("baselines", {}))
    if named:
        # every non-learned baseline of the task, each its own row
        for name in named:
            table[name] = _seed_means(mine, lambda r: r["info"]["baselines"].get(name, {}),
                                      metrics)
    else:
        table[BASELINE] = _seed_means(mine, lambda r: r["baseline"], metrics)
    if any("random_order" in r.get("info", {}) for r in mine):
        # a ranking task's expected value under a uniformly random order
        table[RANDOM] = _seed_means(mine, lambda r: r["info"].get("random_order", {}), metrics)
    return metrics, table


def _seed_means(lines: list[dict], values, metrics: list[str]) -> dict:
    """``{metric: Summary}`` over seeds of each seed's mean of ``values(line)[metric]``."""
    per_seed = defaultdict(lambda: defaultdict(list))
    for r in lines:
        for m, v in values(r).items():
            if finite(v):
                per_seed[m][r["seed"]].append(v)
    return {m: summarise(sum(v) / len(v) for v in per_seed[m].values()) for m in metrics}


def design_tables(lines: dict, task: str, encoders: list[str]) -> dict:
    """``{metric: {design: {row: Summary}}}`` of ``task``'s per-design rows."""
    mine = [r for key, r in sorted(lines.items()) if key[2] == task]
    values = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    base = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for r in mine:
        for row in r["rows"]:
            design = str(row.get("design"))
            for m, v in (row.get("model") or {}).items():
                if finite(v):
                    values[m][design][r["encoder"]].append(v)
            for m, v in (row.get("baseline") or {}).items():
                if finite(v):
                    base[m][design][r["seed"]].append(v)
    designs = _ordered(str(row.get("design")) for r in mine for row in r["rows"])
    out = {}
    for m in _ordered([*values, *base]):
        out[m] = {}
        for d in designs:
            cells = {e: summarise(values[m][d][e]) for e in encoders if values[m][d][e]}
            seeds = base[m][d]
            if seeds:
                cells[BASELINE] = summarise(sum(v) / len(v) for v in seeds.values())
            if cells:
                out[m][d] = cells
    return out


def fmt(s: Summary | None, n: int | None = None) -> str:
    """``mean ± half`` (4 and 2 significant digits), ``(n=k)`` where ``k`` is not ``n``."""
    if s is None or s.n == 0:
        return "n/a"
    half = 0.0 if s.half <= 1e-12 * max(1.0, abs(s.mean)) else s.half  # equal values, rounding
    mean = 0.0 if abs(s.mean) < 1e-12 else s.mean  # a sum that is 0 up to rounding
    text = f"{mean:.4g}" if s.n == 1 else f"{mean:.4g} ± {half:.2g}"
    return text if s.n == n else f"{text} (n={s.n})"


def render(records: list[dict], source: str, config_hash: str | None = None) -> str:
    """The markdown report of ``records`` (lines of ``source``)."""
    chosen, digest = select(records, config_hash)
    config = chosen[-1]["config"]
    encoders = [e["name"] for e in config["encoders"]]
    lines = latest_ok(chosen)
    seeds = sorted({k[0] for k in lines})
    revisions = _ordered(r["git_revision"] for r in chosen)
    out = [f"# Experiment report: config {digest}", "",
           f"From `{source}`: {len(chosen)} lines of this config "
           f"({len(records) - len(chosen)} of others left out); git "
           f"{', '.join(revisions)}; seeds {', '.join(map(str, seeds)) or 'none'}; "
           f"{'quick mode' if config.get('quick') else 'full protocol'}.",
           f"Train ({len(config['train'])}): {', '.join(config['train'])}.",
           f"Test ({len(config['test'])}): {', '.join(config['test'])}.", "",
           "Each value: mean over seeds ± half-width of the 95 % confidence interval "
           "(Student t, n - 1 degrees of freedom); n = seeds with a result, shown beside a "
           "value where it differs from its row's. "
           f"`{BASELINE}` is the task's non-learned baseline (or each named one); "
           f"`{RANDOM}` is the expected value of a uniformly random order.", ""]
    for task in config["tasks"]:
        metrics, table = task_table(lines, task, encoders)
        out += [f"## {task}", ""]
        if not metrics:
            out += ["No successful line.", ""]
            continue
        rows = []
        for row, cells in table.items():
            n = max(s.n for s in cells.values())
            rows.append([row, str(n), *(fmt(cells[m], n) for m in metrics)])
        out += _table(["encoder", "n", *metrics], rows)
        out += [f"![{task}]({task}.png)", ""]
        for m, rows in design_tables(lines, task, encoders).items():
            cols = [e for e in [*encoders, BASELINE] if any(e in c for c in rows.values())]
            n = max(s.n for c in rows.values() for s in c.values())
            out += [f"### {task}: {m} per test design", ""]
            out += _table(["design", *cols],
                          [[d, *(fmt(c.get(e), n) for e in cols)] for d, c in rows.items()])
    failed = [r for r in chosen if r["status"] != "ok"
              and (r["seed"], r["encoder"], r["task"]) not in lines]
    if failed:
        out += ["## Failed cells", ""]
        out += _table(["seed", "encoder", "task", "error"],
                      [[str(r["seed"]), r["encoder"], r["task"],
                        str(r["error"]).replace("|", "\\|")] for r in failed])
    return "\n".join(out).rstrip("\n") + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(r) + " |" for r in rows), ""]


def write_report(results: Path, out_dir: Path, *, plots: bool = True,
                 config_hash: str | None = None) -> list[Path]:
    """Write ``out_dir``/report.md and, with ``plots``, ``out_dir``/<task>.png.

    Raises:
        CircuitlabError: an unreadable results file, no line of the config,
            matplotlib missing while ``plots`` is on.
    """

    check_output_dir(out_dir, "-o")
    records = read_lines(results)
    text = render(records, Path(results).name, config_hash)
    written = []
    if plots:
        written += write_plots(records, out_dir, config_hash)
    with atomic_path(out_dir / REPORT) as tmp:
        tmp.write_text(text)
    return [out_dir / REPORT, *written]


def write_plots(records: list[dict], out_dir: Path, config_hash: str | None) -> list[Path]:
    """One PNG per task: a bar per encoder cell and baseline, one panel per metric."""
    try:
        import matplotlib
    except ImportError:
        raise CircuitlabError("plots need matplotlib (pip install 'circuitlab[plot]'), "
                              "or pass --no-plots") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chosen, _ = select(records, config_hash)
    config = chosen[-1]["config"]
    encoders = [e["name"] for e in config["encoders"]]
    lines = latest_ok(chosen)
    written = []
    for task in config["tasks"]:
        metrics, table = task_table(lines, task, encoders)
        if not metrics:
            continue
        names = list(table)
        cols = min(4, len(metrics))
        rows = -(-len(metrics) // cols)
        fig, axes = plt.subplots(rows, cols, squeeze=False, sharey=True,
                                 figsize=(2.2 + 2.2 * cols, rows * (1.0 + 0.3 * len(names))))
        for k, ax in enumerate(axes.flat):
            if k >= len(metrics):
                ax.set_visible(False)
                continue
            m = metrics[k]
            means = [table[n][m].mean for n in names]
            halves = [table[n][m].half if table[n][m].n > 1 else 0.0 for n in names]
            ax.barh(range(len(names)), means, xerr=halves, capsize=3,
                    color=["tab:blue" if n in encoders else "tab:gray" for n in names])
            ax.set_yticks(range(len(names)), names)
            ax.set_title(m, fontsize=9)
        axes[0][0].invert_yaxis()
        fig.suptitle(f"{task}: mean over seeds, 95 % CI", fontsize=10)
        fig.tight_layout()
        path = out_dir / f"{task}.png"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=110, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written
