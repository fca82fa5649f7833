"""Widens a trained model's BiLSTM layers to more hidden units without changing what it computes.

Each new unit gets small random incoming weights, and every weight that reads it (the other units'
recurrent weights, the next layer's input, the output layer) starts at zero, so the widened model's
outputs equal the original's exactly until training moves those weights (Net2Net-style growth,
Chen et al. 2016, arXiv 1511.05641, with zero outgoing weights). Training then resumes from it:

  /usr/bin/python3 training/widen.py models/checkpoint.pt --hidden 320 --out cache/widened.pt
  /usr/bin/python3 training/train.py --init cache/widened.pt --hidden 320 ...

The epoch count, history and CPU hours carry over, as train.py --init reads them from the checkpoint.
"""
import argparse
import json
from pathlib import Path

import torch

from model import AcousticModel

GATES = 4  # PyTorch's LSTM stacks the input, forget, cell and output gates' rows
NEW_WEIGHT_SCALE = 0.05


def widen_lstm(old, new, old_in_columns, generator):
    """Copies `old` into the wider `new` LSTM. old_in_columns[j] is the new input column of old input j."""
    h, h2 = old.hidden_size, new.hidden_size
    w_ih = torch.randn(new.weight_ih_l0.shape, generator=generator) * NEW_WEIGHT_SCALE
    w_hh = torch.randn(new.weight_hh_l0.shape, generator=generator) * NEW_WEIGHT_SCALE
    b_ih, b_hh = torch.zeros(GATES * h2), torch.zeros(GATES * h2)
    for gate in range(GATES):
        old_rows, new_rows = slice(gate * h, (gate + 1) * h), slice(gate * h2, gate * h2 + h)
        # Old units read no new input column and no new unit's state.
        w_ih[new_rows] = 0
        w_ih[new_rows, old_in_columns] = old.weight_ih_l0[old_rows]
        w_hh[new_rows] = 0
        w_hh[new_rows, :h] = old.weight_hh_l0[old_rows]
        b_ih[new_rows] = old.bias_ih_l0[old_rows]
        b_hh[new_rows] = old.bias_hh_l0[old_rows]
    with torch.no_grad():
        for name, value in [("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh), ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)]:
            getattr(new, name).copy_(value)


def bidirectional_columns(h, h2):
    """Where a layer's old [forward | backward] outputs sit in its widened output."""
    return torch.cat([torch.arange(h), h2 + torch.arange(h)])


def widen(old, hidden, seed=0):
    cfg = dict(old.config, hidden=hidden)
    new = AcousticModel(**cfg)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        new.mean.copy_(old.mean)
        new.inv_std.copy_(old.inv_std)
        columns = torch.arange(old.fwd[0].input_size)
        for layer in range(len(old.fwd)):
            widen_lstm(old.fwd[layer], new.fwd[layer], columns, generator)
            widen_lstm(old.bwd[layer], new.bwd[layer], columns, generator)
            columns = bidirectional_columns(old.config["hidden"], hidden)
        new.out.weight.zero_()
        new.out.weight[:, columns] = old.out.weight
        new.out.bias.copy_(old.out.bias)
    return new


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="an epoch checkpoint (models/checkpoint.pt) or a shipped model.pt")
    p.add_argument("--hidden", type=int, required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    old = AcousticModel(**ckpt["config"])
    old.load_state_dict(ckpt["model"])
    if args.hidden <= old.config["hidden"]:
        raise SystemExit(f"--hidden {args.hidden} is not wider than the checkpoint's {old.config['hidden']}")
    new = widen(old, args.hidden)
    note = f"widened from {old.config['hidden']} to {args.hidden} hidden units (training/widen.py) at epoch {ckpt.get('epoch')}"
    torch.save({**ckpt, "model": new.state_dict(), "config": new.config,
                "command": f"{ckpt.get('command')}; then {note}"}, args.out)
    params = sum(t.numel() for t in new.parameters())
    print(f"{note}: {params} parameters -> {args.out}")


if __name__ == "__main__":
    main()
