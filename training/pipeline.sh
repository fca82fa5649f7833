#!/usr/bin/env bash
# Runs the whole recipe, each stage resuming where it stopped, then trains for MINUTES (default 60)
# and exports the best checkpoint when it beats the shipped model. Run from the repository root:
#   training/pipeline.sh [MINUTES] [extra train.py options]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
shift || true
F=cache/features
export OMP_NUM_THREADS=1   # measured: one process with two torch threads trains twice as slowly as one thread; --workers uses the cores (nproc would read this variable, hence getconf)
earshot() { node dist/cli/main.js "$@"; }

[ -d dist ] || npm run build
[ -f cache/data/real-far.tsv ] || /usr/bin/python3 training/prepare_data.py
for set in real real-aug real-noisy real-far synth nonspeech; do
  [ -f $F/$set/index.tsv ] || earshot features cache/data/$set.tsv --out $F/$set
done
[ -f $F/dev-an4/index.tsv ] || earshot features ../shared/corpora/an4/manifest.tsv --split test --out $F/dev-an4
[ -f $F/dev-so762/index.tsv ] || earshot features ../shared/corpora/speechocean762/manifest.tsv --split dev --out $F/dev-so762
[ -f $F/dev-libri/index.tsv ] || earshot features ../shared/corpora/librispeech-mini/manifest.tsv --split dev --out $F/dev-libri
# speechocean762's children and Mandarin-accented adults are the voices least like the rest: their
# augmented copies are drawn once more (the speaker column is field 5).
[ -f $F/real-aug/so762.tsv ] || awk -F'\t' 'NR == 1 || $5 ~ /^so762_/' $F/real-aug/index.tsv > $F/real-aug/so762.tsv

# A committed checkpoint carries training on where the last machine's cache/ was lost, in its own units
# (since session 17 the phone-unit run); it is deleted when its successor ships.
init=models/en-bilstm/model.pt
[ -f models/checkpoint.pt ] && init=models/checkpoint.pt
/usr/bin/python3 training/train.py \
  --train $F/real/index.tsv --train $F/real-aug/index.tsv:0.3 --train $F/synth/index.tsv:0.6 \
  --train $F/real-aug/so762.tsv:0.5 --train $F/real-noisy/index.tsv:0.4 --train $F/real-far/index.tsv:0.3 \
  --train $F/nonspeech/index.tsv:0.2 \
  --dev an4=$F/dev-an4/index.tsv --dev so762=$F/dev-so762/index.tsv --dev libri=$F/dev-libri/index.tsv \
  --out cache/train --init $init --max-frames 12000 --lc-prob 0.25 --workers "$(getconf _NPROCESSORS_ONLN)" \
  --minutes "$minutes" "$@"

[ -f cache/train/best.pt ] || { echo "no best checkpoint: no finished epoch beat the weights training started from"; exit 1; }
/usr/bin/python3 - <<'PY'
import json, sys, torch
best = torch.load("cache/train/best.pt", map_location="cpu")
if best["config"].get("units", "chars") != "chars":
    sys.exit(f"a {best['config']['units']} model: its greedy scores are pronunciation error rates, not word error "
             "rates; export it to cache/models and compare it with node bench/dev-sets.mjs --model DIR")
shipped = json.load(open("models/en-bilstm/model.json"))["dev"]
shipped_wer = sum(d["wer"] for d in shipped.values()) / len(shipped)
print(f"best checkpoint mean dev WER {best['dev_wer']:.1f}, shipped {shipped_wer:.1f}")
sys.exit(0 if best["dev_wer"] < shipped_wer else 1)
PY
echo "export with: /usr/bin/python3 training/export.py --checkpoint cache/train/best.pt --features $F/real/config.json --provenance '{...}'"
