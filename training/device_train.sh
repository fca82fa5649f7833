#!/usr/bin/env bash
# Trains on a GPU machine that has Python and torch but no earshot, from feature sets carried there by
# `pack_features.py pack`: every set named train-* whole each epoch (its share of the full set was
# drawn when packing), scored on dev-an4, dev-so762 and dev-libri. Checkpoints go to OUT as train.py writes
# them. Among the options, `--init models/en-bilstm/model.pt` fine-tunes the shipped weights, and
# `--hidden N --layers N` without it trains another size from scratch.
#   training/device_train.sh PACK_DIR OUT MINUTES [extra train.py options]
set -euo pipefail
cd "$(dirname "$0")/.."
pack=$1 out=$2 minutes=$3
shift 3
export PYTHONUNBUFFERED=1
features=$(mktemp -d)
python3 training/pack_features.py unpack "$pack" --out "$features"
train=()
for index in "$features"/train-*/index.tsv; do train+=(--train "$index"); done
python3 training/train.py --device cuda "${train[@]}" \
  --dev an4="$features/dev-an4/index.tsv" --dev so762="$features/dev-so762/index.tsv" --dev libri="$features/dev-libri/index.tsv" \
  --out "$out" --minutes "$minutes" "$@"
