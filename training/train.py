"""Stage 2, train: CTC training of the BiLSTM on feature sets from `earshot features`.

Resumes from OUT/last.pt if it exists, else starts from --init (the committed model's weights) or
from scratch. Each batch runs either as a whole-utterance BiLSTM or latency-controlled (chunk plus
look-ahead), so one model serves batch and live recognition. Logs loss and dev CER/WER every epoch,
keeps OUT/best.pt by mean dev WER, and checkpoints every few minutes.

  /usr/bin/python3 training/train.py --train cache/features/real/index.tsv \
      --train cache/features/real-aug/index.tsv:0.5 --train cache/features/synth/index.tsv \
      --dev an4=cache/features/dev-an4/index.tsv --dev so762=cache/features/dev-so762/index.tsv
"""
import argparse
import json
import random
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch

from data import batches, collate, load_index, spec_augment
from decode import error_rates, greedy
from model import AcousticModel

CHECKPOINT_SECONDS = 600


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", action="append", required=True, help="INDEX[:FRACTION sampled per epoch]")
    p.add_argument("--dev", action="append", default=[], help="NAME=INDEX")
    p.add_argument("--out", default="cache/train")
    p.add_argument("--init", help="weights to start from when there is no checkpoint (model.pt)")
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--minutes", type=float, default=0, help="stop after this long (0: no limit)")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--stack", type=int, default=3)
    p.add_argument("--max-frames", type=int, default=24000, help="padded feature frames per batch")
    p.add_argument("--lr", type=float, default=1.5e-3)
    p.add_argument("--lr-decay", type=float, default=0.93, help="per epoch")
    p.add_argument("--warmup", type=int, default=400)
    p.add_argument("--lc-prob", type=float, default=0.5, help="share of batches run latency-controlled")
    p.add_argument("--chunk", type=int, nargs="+", default=[8, 12], help="model frames per chunk")
    p.add_argument("--lookahead", type=int, default=4)
    p.add_argument("--dev-limit", type=int, default=400, help="utterances per dev set scored each epoch")
    p.add_argument("--threads", type=int, default=1, help="torch threads; more than 1 only pays on an otherwise idle machine")
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


def load_sets(specs):
    sets = []
    for spec in specs:
        path, _, fraction = spec.partition(":")
        utts = load_index(path)
        sets.append((utts, float(fraction or 1.0)))
        print(f"loaded {len(utts)} utterances ({sum(len(u.features) for u in utts) / 360000:.2f} h) from {path}", flush=True)
    return sets


def epoch_sample(sets, rng):
    chosen = []
    for utts, fraction in sets:
        chosen += utts if fraction >= 1 else rng.sample(utts, int(len(utts) * fraction))
    return chosen


def feature_stats(model, utts, stack):
    frames = np.concatenate([u.features[: len(u.features) // stack * stack] for u in utts[:3000]]).astype(np.float32)
    stacked = torch.from_numpy(frames.reshape(-1, frames.shape[1] * stack))
    model.mean.copy_(stacked.mean(0))
    model.inv_std.copy_(1.0 / stacked.std(0).clamp(min=1e-3))


@torch.no_grad()
def evaluate(model, dev_sets, limit, chunk=None, lookahead=0):
    model.eval()
    scores = {}
    for name, utts in dev_sets.items():
        pairs = []
        for group in [utts[i : i + 16] for i in range(0, min(limit, len(utts)), 16)]:
            x, lengths, _, _ = collate(group, model.stack)
            logprobs, out_lengths = model(x, lengths, chunk, lookahead)
            pairs += [(greedy(logprobs[i], out_lengths[i]), u.text) for i, u in enumerate(group)]
        scores[name] = error_rates(pairs)
    model.train()
    return scores


def save(path, **state):
    tmp = Path(str(path) + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)

    train_sets = load_sets(args.train)
    dev_sets = {name: load_index(path) for name, path in (d.split("=", 1) for d in args.dev)}
    for utts in dev_sets.values():
        random.Random(0).shuffle(utts)

    model = AcousticModel(hidden=args.hidden, layers=args.layers, stack=args.stack)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    state = {"epoch": 0, "step": 0, "best": float("inf"), "history": []}
    last = out / "last.pt"
    if last.exists():
        ckpt = torch.load(last)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        state = ckpt["state"]
        rng.setstate(ckpt["rng"])
        print(f"resumed from {last} at epoch {state['epoch']} step {state['step']}", flush=True)
    elif args.init:
        ckpt = torch.load(args.init)
        model.load_state_dict(ckpt["model"])
        state["best"] = ckpt.get("dev_wer", float("inf"))
        print(f"initialised from {args.init}", flush=True)
    else:
        feature_stats(model, train_sets[0][0], args.stack)

    interrupted = []
    signal.signal(signal.SIGTERM, lambda *_: interrupted.append(True))
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    started = time.time()
    last_save = time.time()
    stop = False
    while state["epoch"] < args.epochs and not stop:
        epoch_batches = batches(epoch_sample(train_sets, rng), args.max_frames, rng)
        done = state.get("batch_in_epoch", 0)
        total_loss, count, epoch_start = 0.0, 0, time.time()
        for b, batch in enumerate(epoch_batches[done:], start=done):
            chunk = rng.choice(args.chunk) if rng.random() < args.lc_prob else None
            x, lengths, targets, target_lengths = collate(batch, args.stack)
            x = spec_augment(x, lengths, rng)
            logprobs, out_lengths = model(x, lengths, chunk, args.lookahead)
            loss = ctc(logprobs.transpose(0, 1), targets, out_lengths, target_lengths)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            lr = args.lr * min(1.0, (state["step"] + 1) / args.warmup) * args.lr_decay ** state["epoch"]
            for g in opt.param_groups:
                g["lr"] = lr
            opt.step()
            state["step"] += 1
            state["batch_in_epoch"] = b + 1
            total_loss += loss.item()
            count += 1
            if state["step"] % 50 == 0:
                print(f"epoch {state['epoch']} batch {b + 1}/{len(epoch_batches)} loss {total_loss / count:.3f} lr {lr:.2e} "
                      f"{(time.time() - epoch_start) / 60:.1f} min", flush=True)
            if time.time() - last_save > CHECKPOINT_SECONDS:
                save(last, model=model.state_dict(), optimizer=opt.state_dict(), state=state, rng=rng.getstate(), config=model.config)
                last_save = time.time()
            if interrupted or (args.minutes and time.time() - started > args.minutes * 60):
                stop = True
                break
        if stop:
            break
        state["epoch"] += 1
        state["batch_in_epoch"] = 0
        scores = evaluate(model, dev_sets, args.dev_limit)
        wer = sum(s[0] for s in scores.values()) / max(len(scores), 1)
        state["history"].append({"epoch": state["epoch"], "loss": total_loss / max(count, 1), "dev": scores})
        print(f"epoch {state['epoch']} done: loss {total_loss / max(count, 1):.3f} "
              + " ".join(f"{n} WER {w:.1f} CER {c:.1f}" for n, (w, c) in scores.items()), flush=True)
        if wer < state["best"]:
            state["best"] = wer
            save(out / "best.pt", model=model.state_dict(), config=model.config, dev=scores, dev_wer=wer,
                 epoch=state["epoch"], history=state["history"], command=" ".join(sys.argv))
            print(f"new best mean dev WER {wer:.1f}", flush=True)
        save(last, model=model.state_dict(), optimizer=opt.state_dict(), state=state, rng=rng.getstate(), config=model.config)
        last_save = time.time()
    save(last, model=model.state_dict(), optimizer=opt.state_dict(), state=state, rng=rng.getstate(), config=model.config)
    (out / "history.json").write_text(json.dumps(state["history"], indent=1))


if __name__ == "__main__":
    main()
