#!/usr/bin/env bash
# Regenerate the pre-training corpus with one command; rerun it to resume.
#
#   experiments/build_corpus.sh            # into ./corpus (git-ignored)
#   CORPUS_ROOT=/data/corpus JOBS=2 experiments/build_corpus.sh
#
# 1. rtl:     COUNT distinct Verilog-AIG pairs of the random RTL families
#             (seed SEED, shards of 256 draws, deduplicated by normalised text
#             and AIG structure across the corpus, test-only designs refused).
# 2. recipes: every intermediate AIG of RECIPES seeded random LENGTH-step
#             recipes per pair, with each graph's AND count and levels; ABC
#             when installed, else aigverse (ENGINE=abc to insist; the engine
#             is part of the corpus's key, so the two never mix).
# Finished shards and recipe items are reused, so an interrupted run resumes
# where it stopped. Each step prints its JSON report; corpus_stats.py sums up.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${CORPUS_ROOT:-corpus}
JOBS=${JOBS:-2}
SEED=${SEED:-0}
COUNT=${COUNT:-5000}
RECIPES=${RECIPES:-12}
LENGTH=${LENGTH:-20}
ENGINE=${ENGINE:-auto}
PY=${PYTHON:-python}

"$PY" -m circuitlab dataset build rtl --root "$ROOT/rtl" --count "$COUNT" --seed "$SEED" \
    --shard-size 256 --jobs "$JOBS"
"$PY" -m circuitlab dataset build recipes --source "$ROOT/rtl" --root "$ROOT/recipes" \
    --recipes "$RECIPES" --length "$LENGTH" --seed "$SEED" --engine "$ENGINE" --jobs "$JOBS"
"$PY" experiments/corpus_stats.py "$ROOT/rtl" "$ROOT/recipes" | tee "$ROOT/stats.json"
