"""Figures of a built corpus: graphs, distinct graphs, ANDs, bytes per graph on disk.

Usage: python experiments/corpus_stats.py RTL_ROOT [RECIPES_ROOT]

Reads the RTL corpus's index and shards and, if given, the recipe corpus's
per-recipe item files (``.item``, binary AIGER of every step) and processed
``.pt`` shards; prints one JSON object. A graph is distinct when no other has
the same AIGER bytes (names and comments are not written into the traces).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from circuitlab.datasets.graphs import read_item
from circuitlab.datasets.rtl_corpus import read_index, read_shard


def rtl_stats(root: Path) -> dict:
    index = read_index(root)
    kept, ands, families = 0, 0, {}
    shard_bytes = 0
    for shard in index["shards"]:
        path = root / "items" / shard["file"]
        shard_bytes += path.stat().st_size
        meta, _ = read_shard(path)
        by_blob = {e["blob"]: e for e in meta["designs"] if e.get("blob") is not None}
        for blob in shard["keep"]:
            entry = by_blob[blob]
            kept += 1
            ands += entry["ands"]
            families[entry["family"]] = families.get(entry["family"], 0) + 1
    report = index["report"]
    return {"pairs": kept, "drawn": report["drawn"], "same_text": report["same_text"],
            "same_structure": report["same_structure"], "failed": len(report["failed"]),
            "refused": len(report["refused"]), "mean_ands": round(ands / max(kept, 1), 1),
            "families": families, "shard_bytes": shard_bytes,
            "bytes_per_pair": round(shard_bytes / max(kept, 1))}


def recipe_stats(root: Path) -> dict:
    processed = sorted((root / "processed").iterdir())[-1]
    index = json.loads((processed / "index.json").read_text())
    graphs, distinct, ands, item_bytes, pt_bytes = 0, set(), 0, 0, 0
    for shard in index["shards"]:
        item = root / "items" / f"{Path(shard['file']).stem}.item"
        item_bytes += item.stat().st_size
        pt = processed / "shards" / shard["file"]  # only with a pre_transform or pre_filter
        pt_bytes += pt.stat().st_size if pt.exists() else 0
        meta, blobs = read_item(item)
        graphs += len(blobs)
        ands += sum(meta["ands"])
        distinct.update(hashlib.sha1(b).digest() for b in blobs)
    return {"recipes": len(index["shards"]), "graphs": graphs, "distinct_graphs": len(distinct),
            "mean_ands": round(ands / max(graphs, 1), 1), "item_bytes": item_bytes,
            "item_bytes_per_graph": round(item_bytes / max(graphs, 1)),
            "pt_bytes_per_graph": round(pt_bytes / max(graphs, 1)),
            "build_seconds": index["report"]["seconds"]}


def main(argv: list[str]) -> None:
    if not argv or len(argv) > 2:
        sys.exit(__doc__.splitlines()[2])
    out = {"rtl": rtl_stats(Path(argv[0]))}
    if len(argv) == 2:
        out["recipes"] = recipe_stats(Path(argv[1]))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
