"""Feature sets written by `earshot features`, held in memory, and batches of them."""
import csv
import math
from pathlib import Path

import numpy as np
import torch

from warp import warp_matrix


class Utterance:
    __slots__ = ("features", "labels", "text", "source")

    def __init__(self, features, text, source, labels):
        self.features = features
        self.text = text
        self.labels = labels
        self.source = source


def index_texts(index_paths):
    """Every transcript of these `earshot features` indexes."""
    texts = []
    for path in index_paths:
        with open(path, encoding="utf-8") as f:
            texts += [row["text"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return texts


def load_index(index_path, units, max_seconds=30.0, scoring=False):
    """Utterances of one `earshot features` index, those over `max_seconds` left out, their texts in
    `units` (units.Units): spelled for training, where an utterance with a word the units cannot spell
    is left out, or with `scoring` as the reference to score against. An empty text is a clip without
    speech, whose target is all blanks."""
    index_path = Path(index_path)
    out = []
    with open(index_path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = units.reference(row["text"]) if scoring else units.spell(row["text"])
            if float(row["seconds"]) > max_seconds or text is None:
                continue
            feats = np.load(index_path.parent / row["features"])
            out.append(Utterance(feats, text, row["audio"], units.labels(text)))
    return out


def batches(utterances, max_frames, rng):
    """Length-sorted buckets, shuffled: each batch holds at most `max_frames` padded frames."""
    order = sorted(utterances, key=lambda u: len(u.features) + rng.random() * 30)
    out, current, longest = [], [], 0
    for u in order:
        longest_next = max(longest, len(u.features))
        if current and longest_next * (len(current) + 1) > max_frames:
            out.append(current)
            current, longest_next = [], len(u.features)
        current.append(u)
        longest = longest_next
    if current:
        out.append(current)
    rng.shuffle(out)
    return out


def collate(batch, stack, rates=None):
    """Padded features [B, T, F] (each padded to a multiple of `stack` by repeating its last frame,
    as inference does), lengths, and CTC targets. `rates` stretches each utterance in time
    (stretch_time) first."""
    frames = [u.features for u in batch] if rates is None else [stretch_time(u.features, r) for u, r in zip(batch, rates)]
    lengths = [math.ceil(len(f) / stack) * stack for f in frames]
    x = np.zeros((len(batch), max(lengths), frames[0].shape[1]), dtype=np.float32)
    for i, f in enumerate(frames):
        x[i, : len(f)] = f
        x[i, len(f) : lengths[i]] = f[-1]
    targets = torch.tensor([l for u in batch for l in u.labels], dtype=torch.long)
    target_lengths = torch.tensor([len(u.labels) for u in batch], dtype=torch.long)
    return torch.from_numpy(x), torch.tensor(lengths), targets, target_lengths


def stretch_time(features, rate):
    """Tempo perturbation: the frames resampled by linear interpolation to len / rate, so the words
    come `rate` times as fast with the voice's pitch and formants unchanged."""
    n = len(features)
    position = np.linspace(0, n - 1, max(1, round(n / rate)))
    lower = np.floor(position).astype(np.int64)
    upper = np.minimum(lower + 1, n - 1)
    frac = (position - lower)[:, None]
    return features[lower] * (1 - frac) + features[upper] * frac


def warp_frequency(x, rng, low=0.88, high=1.12):
    """Vocal-tract-length perturbation: each utterance is warped (warp.warp_matrix) by a random
    factor, so the model hears each speaker with shorter and longer vocal tracts (children's voices
    among them)."""
    for i in range(x.shape[0]):
        x[i] = x[i] @ warp_matrix(rng.uniform(low, high), x.shape[2])
    return x


def spec_augment(x, lengths, rng):
    """Two masks over feature coefficients and up to two time masks per utterance, in place."""
    dims = x.shape[2]
    for i in range(x.shape[0]):
        for _ in range(2):
            width = rng.randint(0, 6)
            start = rng.randint(0, dims - width)
            x[i, :, start : start + width] = 0
        n = int(lengths[i])
        for _ in range(2):
            width = rng.randint(0, min(30, n // 8))
            start = rng.randint(0, max(0, n - width))
            x[i, start : start + width] = 0
    return x
