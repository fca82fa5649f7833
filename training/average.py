"""Averages the weights of checkpoints from the end of one training run (OUT/epochs/NNN.pt from
train.py, best.pt, or a committed model.pt) into one checkpoint that export.py takes, scored on the
dev sets like an epoch (see the README's training section for what it gained).

  /usr/bin/python3 training/average.py --out cache/train/average.pt cache/train/epochs/*.pt \\
      --dev an4=cache/features/dev-an4/index.tsv --dev so762=cache/features/dev-so762/index.tsv \
      --dev libri=cache/features/dev-libri/index.tsv
"""
import argparse

import torch

from model import AcousticModel
from train import evaluate, load_dev_sets, mean_wer, save
from units import Units


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoints", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("--dev", action="append", default=[], help="NAME=INDEX")
    p.add_argument("--dev-limit", type=int, default=400, help="utterances per dev set scored")
    return p.parse_args()


def main():
    args = parse_args()
    torch.set_num_threads(1)
    checkpoints = [torch.load(path, map_location="cpu") for path in args.checkpoints]
    latest = max(checkpoints, key=lambda c: c.get("epoch") or 0)
    states = [c["model"] for c in checkpoints]
    model = AcousticModel(**latest["config"])
    model.load_state_dict({name: sum(s[name].float() for s in states) / len(states) for name in states[0]})
    scores = evaluate(model, load_dev_sets(args.dev, Units(latest["config"].get("units", "chars"))), args.dev_limit)
    wer = mean_wer(scores)
    epochs = sorted(c.get("epoch") or 0 for c in checkpoints)
    command = f"average of epochs {', '.join(map(str, epochs))}; last: {latest.get('command')}"
    save(args.out, model=model.state_dict(), config=latest["config"], dev=scores, dev_wer=wer, epoch=latest.get("epoch"),
         history=latest.get("history"), command=command, cpu_hours=latest.get("cpu_hours", 0.0),
         gpu_hours=latest.get("gpu_hours", 0.0))
    print(f"{args.out}: epochs {epochs} " + " ".join(f"{n} WER {w:.1f} CER {c:.1f}" for n, (w, c) in scores.items())
          + f", mean dev WER {wer:.1f}")


if __name__ == "__main__":
    main()
