"""Stage 2, train: CTC training of the BiLSTM on feature sets from `earshot features`.

Resumes from OUT/last.pt if it exists, else starts from --init (the committed model's weights) or
from scratch. Each batch runs either as a whole-utterance BiLSTM or latency-controlled (chunk plus
look-ahead), so one model serves batch and live recognition. Logs loss and dev CER/WER every epoch,
keeps OUT/best.pt by mean dev WER and the last epochs' weights in OUT/epochs/ (for average.py), and
checkpoints every few minutes. With --workers N, N processes of one thread each train on different
batches and average their gradients, so every core does work (one process with two torch threads
was measured twice as slow as one thread here).

  /usr/bin/python3 training/train.py --train cache/features/real/index.tsv \
      --train cache/features/real-aug/index.tsv:0.5 --train cache/features/synth/index.tsv \
      --dev an4=cache/features/dev-an4/index.tsv --dev so762=cache/features/dev-so762/index.tsv
"""
import argparse
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from data import batches, collate, index_texts, load_index, spec_augment, warp_frequency
from decode import error_rates, greedy
from model import AcousticModel
from units import Units

CHECKPOINT_SECONDS = 600
KEPT_EPOCHS = 8


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", action="append", required=True, help="INDEX[:FRACTION sampled per epoch]")
    p.add_argument("--dev", action="append", default=[], help="NAME=INDEX")
    p.add_argument("--out", default="cache/train")
    p.add_argument("--init", help="weights to start from when there is no checkpoint (model.pt)")
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--minutes", type=float, default=0, help="stop after this long (0: no limit)")
    p.add_argument("--hidden", type=int, default=256, help="from scratch; a checkpoint keeps its own shape")
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--stack", type=int, default=3)
    p.add_argument("--frontend", choices=["stack", "conv"], default="stack", help="conv: model.ConvFrontEnd (not exportable yet)")
    p.add_argument("--units", choices=["chars", "phones"],
                   help="output units (default: those of the weights started from, or chars); from weights of other "
                        "units, every layer but the output layer is kept")
    p.add_argument("--dropout", type=float, default=0.15, help="between LSTM layers")
    p.add_argument("--max-frames", type=int, default=24000, help="padded feature frames per batch")
    p.add_argument("--lr", type=float, default=1.5e-3)
    p.add_argument("--lr-decay", type=float, default=0.93, help="per epoch")
    p.add_argument("--warmup", type=int, default=400)
    p.add_argument("--tempo", type=float, default=0.1, help="each utterance's speaking rate drawn from 1 +- this")
    p.add_argument("--lc-prob", type=float, default=0.5, help="share of batches run latency-controlled")
    p.add_argument("--chunk", type=int, nargs="+", default=[8, 12], help="model frames per chunk")
    p.add_argument("--lookahead", type=int, default=4)
    p.add_argument("--dev-limit", type=int, default=400, help="utterances per dev set scored each epoch")
    p.add_argument("--threads", type=int, default=1, help="torch threads per worker")
    p.add_argument("--workers", type=int, default=1, help="training processes averaging gradients; one per core")
    p.add_argument("--device", default="cpu", help="cpu, or cuda to train on a GPU (with --workers 1)")
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


def load_sets(specs, units, log):
    if units.kind == "phones":
        added = units.pronounce_missing(index_texts(spec.partition(":")[0] for spec in specs))
        log(f"{added} words of the transcripts that CMUdict lacks pronounced by espeak-ng", flush=True)
    sets = []
    for spec in specs:
        path, _, fraction = spec.partition(":")
        utts = load_index(path, units)
        sets.append((utts, float(fraction or 1.0)))
        log(f"loaded {len(utts)} utterances ({sum(len(u.features) for u in utts) / 360000:.2f} h) from {path}", flush=True)
    return sets


def epoch_sample(sets, rng):
    chosen = []
    for utts, fraction in sets:
        chosen += utts if fraction >= 1 else rng.sample(utts, int(len(utts) * fraction))
    return chosen


def feature_stats(model, utts, stack):
    frames = np.concatenate([u.features[: len(u.features) // stack * stack] for u in utts]).astype(np.float32)
    stacked = torch.from_numpy(frames.reshape(-1, frames.shape[1] * stack))
    model.mean.copy_(stacked.mean(0))
    model.inv_std.copy_(1.0 / stacked.std(0).clamp(min=1e-3))


def load_dev_sets(specs, units):
    """NAME=INDEX specs as {name: utterances}, each in a fixed shuffled order, so every scoring of
    the first --dev-limit of them (here and in average.py) draws the same utterances."""
    dev_sets = {name: load_index(path, units, scoring=True) for name, path in (spec.split("=", 1) for spec in specs)}
    for utts in dev_sets.values():
        random.Random(0).shuffle(utts)
    return dev_sets


def mean_wer(scores):
    return sum(s[0] for s in scores.values()) / max(len(scores), 1)


@torch.no_grad()
def evaluate(model, dev_sets, limit, chunk=None, lookahead=0):
    """Greedy (WER, CER) per dev set; for a phone model, over words' pronunciations and phones."""
    model.eval()
    tokens = Units(model.config.get("units", "chars")).tokens
    scores = {}
    device = model.mean.device
    for name, utts in dev_sets.items():
        pairs = []
        for group in [utts[i : i + 16] for i in range(0, min(limit, len(utts)), 16)]:
            x, lengths, _, _ = collate(group, model.stack)
            logprobs, out_lengths = model(x.to(device), lengths, chunk, lookahead)
            logprobs, out_lengths = logprobs.cpu(), out_lengths.cpu()
            pairs += [(greedy(logprobs[i], out_lengths[i], tokens), u.text) for i, u in enumerate(group)]
        scores[name] = error_rates(pairs)
    model.train()
    return scores


def save(path, **state):
    tmp = Path(str(path) + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def average_gradients(model, world):
    """One all-reduce over every gradient, flattened: the workers step with the mean gradient."""
    grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in model.parameters()]
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world
    offset = 0
    for p, g in zip(model.parameters(), grads):
        p.grad = flat[offset : offset + g.numel()].view_as(g).clone()
        offset += g.numel()


def any_worker(flag, world):
    if world == 1:
        return flag
    t = torch.tensor([1.0 if flag else 0.0])
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return bool(t.item())


def main():
    args = parse_args()
    if args.workers == 1:
        train(0, args)
        return
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", str(29500 + os.getpid() % 1000))
    workers = mp.start_processes(train, args=(args,), nprocs=args.workers, join=False, start_method="spawn")
    forward = lambda signum, _: [os.kill(proc.pid, signum) for proc in workers.processes if proc.is_alive()]
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while not workers.join():
        pass


def committed_state(weights, ckpt):
    """The epoch count, history and CPU time of committed weights, so training resumed from them continues
    its learning-rate schedule and provenance: an epoch checkpoint (models/checkpoint.pt) carries them
    itself, a shipped model.pt in the model.json beside it. The optimizer's state is not committed, so the
    learning rate warms up again."""
    if ckpt.get("epoch"):
        return {"epoch": ckpt["epoch"], "history": ckpt.get("history") or [],
                "cpu_seconds": ckpt.get("cpu_hours", 0.0) * 3600, "gpu_seconds": ckpt.get("gpu_hours", 0.0) * 3600}
    meta_path = weights.with_name("model.json")
    if not meta_path.exists():
        return {}
    provenance = json.loads(meta_path.read_text()).get("provenance", {})
    return {"epoch": provenance.get("checkpointEpoch") or 0, "history": provenance.get("history") or [],
            "cpu_seconds": (provenance.get("trainingCpuHours") or 0.0) * 3600,
            "gpu_seconds": (provenance.get("trainingGpuHours") or 0.0) * 3600}


def load_init(model, ckpt, units, log):
    """--init weights; from a model with other output units, all but the output layer, which starts afresh.
    Whether the units were the same."""
    weights = ckpt["model"]
    same_units = ckpt["config"].get("units", "chars") == units
    if not same_units:
        weights = {k: v for k, v in weights.items() if not k.startswith("out.")}
        log(f"output layer for {units} starts afresh; the rest is from the {ckpt['config'].get('units', 'chars')} model", flush=True)
    model.load_state_dict(weights, strict=same_units)
    return same_units


def train_step(model, opt, ctc, batch, aug, lr, args, world):
    """One optimiser step on one batch (augmented, whole-utterance or latency-controlled); its loss."""
    chunk = aug.choice(args.chunk) if aug.random() < args.lc_prob else None
    rates = [aug.uniform(1 - args.tempo, 1 + args.tempo) for _ in batch] if args.tempo else None
    x, lengths, targets, target_lengths = collate(batch, args.stack, rates)
    x = spec_augment(warp_frequency(x, aug), lengths, aug)
    x, targets, target_lengths = x.to(args.device), targets.to(args.device), target_lengths.to(args.device)
    logprobs, out_lengths = model(x, lengths, chunk, args.lookahead)
    # Per character, like CTCLoss's "mean", but clips without speech have no characters.
    loss = (ctc(logprobs.transpose(0, 1), targets, out_lengths, target_lengths) / target_lengths.clamp(min=1)).mean()
    opt.zero_grad()
    loss.backward()
    if world > 1:
        average_gradients(model, world)
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    for g in opt.param_groups:
        g["lr"] = lr
    opt.step()
    return loss


def train(rank, args):
    world = args.workers
    if world > 1:
        dist.init_process_group("gloo", rank=rank, world_size=world)
    log = print if rank == 0 else (lambda *a, **k: None)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)  # draws each epoch's batches, identically in every worker
    torch.manual_seed(args.seed)

    last = out / "last.pt"
    start = last if last.exists() else Path(args.init) if args.init else None
    ckpt = torch.load(start, map_location=args.device) if start else None
    args.units = args.units or (ckpt["config"].get("units", "chars") if ckpt else "chars")
    units = Units(args.units)
    train_sets = load_sets(args.train, units, log)
    dev_sets = load_dev_sets(args.dev, units)

    # A checkpoint's shape wins over --hidden, --layers, --stack and --frontend, which only shape a model from scratch.
    shape = dict(hidden=args.hidden, layers=args.layers, stack=args.stack, frontend=args.frontend) if ckpt is None else \
        {k: ckpt["config"][k] for k in ("hidden", "layers", "stack")} | {"frontend": ckpt["config"].get("frontend", "stack")}
    args.stack = shape["stack"]
    if start == last and ckpt["config"].get("units", "chars") != args.units:
        sys.exit(f"{last} has {ckpt['config'].get('units', 'chars')} outputs, not --units {args.units}")
    model = AcousticModel(**shape, dropout=args.dropout, vocab=len(units.tokens), units=args.units).to(args.device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    state = {"epoch": 0, "step": 0, "best": float("inf"), "history": []}
    if start == last:
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        state = ckpt["state"]
        rng.setstate(ckpt["rng"])
        log(f"resumed from {last} at epoch {state['epoch']} step {state['step']}", flush=True)
    elif start:
        same_units = load_init(model, ckpt, args.units, log)
        state.update(committed_state(start, ckpt), best=ckpt.get("dev_wer", float("inf")) if same_units else float("inf"))
        log(f"initialised from {start} ({shape['layers']}x{shape['hidden']}) at epoch {state['epoch']}", flush=True)
    else:
        everything = [u for utts, _ in train_sets for u in utts]
        feature_stats(model, random.Random(args.seed).sample(everything, min(3000, len(everything))), args.stack)
    torch.manual_seed(args.seed * 1000 + rank + state["step"])
    if state["epoch"] >= args.epochs:
        log(f"already at epoch {state['epoch']}, and --epochs {args.epochs} stops there; raise --epochs to train on", flush=True)

    interrupted = []
    signal.signal(signal.SIGTERM, lambda *_: interrupted.append(True))
    signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True, reduction="none")
    # Time counted towards provenance: on CPU this process's CPU time (times the workers), so other
    # work on the machine does not inflate it; on a GPU the wall time.
    clock, now = ("cpu_seconds", time.process_time) if args.device == "cpu" else ("gpu_seconds", time.time)
    started = time.time()
    last_save = time.time()
    stop = False
    epoch_rng = rng.getstate()

    def checkpoint():
        if rank == 0:
            save(last, model=model.state_dict(), optimizer=opt.state_dict(), state=state, rng=epoch_rng, config=model.config)

    while state["epoch"] < args.epochs and not stop:
        epoch_rng = rng.getstate()  # saved with the checkpoint so a resumed epoch draws the same batches
        epoch_batches = batches(epoch_sample(train_sets, rng), args.max_frames, rng)
        done = state.get("batch_in_epoch", 0)
        total_loss, count, epoch_start = 0.0, 0, time.time()
        step_start = now()
        for b in range(done, len(epoch_batches) - world + 1, world):
            aug = random.Random(args.seed * 1_000_003 + state["step"] * world + rank)
            lr = args.lr * min(1.0, (state["step"] + 1) / args.warmup) * args.lr_decay ** state["epoch"]
            loss = train_step(model, opt, ctc, epoch_batches[b + rank], aug, lr, args, world)
            state["step"] += 1
            state[clock] = state.get(clock, 0.0) + (now() - step_start) * world
            step_start = now()
            state["batch_in_epoch"] = b + world
            total_loss += loss.item()
            count += 1
            if state["step"] % 50 == 0:
                log(f"epoch {state['epoch']} batch {b + world}/{len(epoch_batches)} loss {total_loss / count:.3f} lr {lr:.2e} "
                    f"{(time.time() - epoch_start) / 60:.1f} min", flush=True)
            if time.time() - last_save > CHECKPOINT_SECONDS:
                checkpoint()
                last_save = time.time()
            if any_worker(bool(interrupted) or bool(args.minutes and time.time() - started > args.minutes * 60), world):
                stop = True
                break
        if stop:
            break
        state["epoch"] += 1
        state["batch_in_epoch"] = 0
        if rank == 0:
            end_epoch(model, state, dev_sets, args, total_loss / max(count, 1), out)
        epoch_rng = rng.getstate()
        checkpoint()
        last_save = time.time()
        if world > 1:
            dist.barrier()
    checkpoint()
    if rank == 0:
        (out / "history.json").write_text(json.dumps(state["history"], indent=1))
    if world > 1:
        dist.destroy_process_group()


def end_epoch(model, state, dev_sets, args, loss, out):
    """Scores the dev sets, records the epoch, keeps its weights as OUT/epochs/NNN.pt (the last
    KEPT_EPOCHS of them, for average.py) and keeps OUT/best.pt."""
    scores = evaluate(model, dev_sets, args.dev_limit)
    wer = mean_wer(scores)
    state["history"].append({"epoch": state["epoch"], "loss": loss, "dev": scores,
                             "cpu_hours": state.get("cpu_seconds", 0.0) / 3600})
    print(f"epoch {state['epoch']} done: loss {loss:.3f} "
          + " ".join(f"{n} WER {w:.1f} CER {c:.1f}" for n, (w, c) in scores.items()), flush=True)
    weights = dict(model=model.state_dict(), config=model.config, dev=scores, dev_wer=wer,
                   epoch=state["epoch"], history=state["history"], command=" ".join(sys.argv),
                   cpu_hours=state.get("cpu_seconds", 0.0) / 3600, gpu_hours=state.get("gpu_seconds", 0.0) / 3600)
    epochs = out / "epochs"
    epochs.mkdir(exist_ok=True)
    save(epochs / f"{state['epoch']:03d}.pt", **weights)
    for old in sorted(epochs.glob("*.pt"))[:-KEPT_EPOCHS]:
        old.unlink()
    if wer < state["best"]:
        state["best"] = wer
        save(out / "best.pt", **weights)
        print(f"new best mean dev WER {wer:.1f}", flush=True)


if __name__ == "__main__":
    main()
