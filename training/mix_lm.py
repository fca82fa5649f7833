"""Linearly interpolates two back-off n-gram LMs (gzip'd ARPA) into one, as SRILM's `ngram -mix-lm`:
every n-gram either model lists gets P = w P1 + (1 - w) P2, each model's P taken with its own
back-off, and every history's back-off weight is recomputed so its distribution sums to one.
A word one model lacks gets none of its probability, so the mixture still sums to one.

  /usr/bin/python3 training/mix_lm.py A.arpa.gz B.arpa.gz --weight 0.5 --out mixed.arpa.gz
then `node training/build_lm.mjs --from-arpa mixed.arpa.gz` for its binary form.

--keep N prunes the mixture to its N bigrams and trigrams that matter most, by Seymore and
Rosenfeld's weighted difference: P(history) P(word | history) |log P(word | history) - log of what
backing off would give it|, with P(<s>) taken as 1. The histories of kept n-grams are kept too, and
the back-off weights are recomputed.
"""
import argparse
import gzip
import math
import re

LOG10_ZERO = -99.0


def read_arpa(path):
    """({n-gram tuple: log10 prob}, {history tuple: log10 back-off}) of an ARPA file."""
    probs, backoffs, order = {}, {}, 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            header = re.match(r"\\(\d)-grams:", line)
            if header:
                order = int(header.group(1))
            elif order and line and not line.startswith("\\"):
                fields = line.split()
                words = tuple(fields[1 : 1 + order])
                probs[words] = float(fields[0])
                if len(fields) > 1 + order:
                    backoffs[words] = float(fields[1 + order])
    return probs, backoffs


class BackoffLM:
    def __init__(self, probs, backoffs):
        self.probs, self.backoffs = probs, backoffs

    def prob(self, ngram):
        """P(last word | the rest), backing off as the ARPA format defines, not in log space."""
        penalty = 0.0
        while len(ngram) > 1 and ngram not in self.probs:
            penalty += self.backoffs.get(ngram[:-1], 0.0)
            ngram = ngram[1:]
        return 10 ** (penalty + self.probs[ngram]) if ngram in self.probs else 0.0


def mix(a, b, weight):
    probs = {}
    for ngram in a.probs.keys() | b.probs.keys():
        if ngram == ("<s>",):
            probs[ngram] = LOG10_ZERO  # <s> is only ever a history
        else:
            probs[ngram] = math.log10(weight * a.prob(ngram) + (1 - weight) * b.prob(ngram))
    return with_backoffs(probs)


def with_backoffs(probs):
    lm = BackoffLM(probs, {})
    for length in range(1, max(map(len, probs))):
        lm.backoffs.update(backoff_weights(lm, length))
    return lm


def history_prob(lm, history):
    return math.prod(1.0 if words == ("<s>",) else lm.prob(words) for words in (history[: k + 1] for k in range(len(history))))


def weighted_difference(lm, ngram):
    backed_off = lm.backoffs.get(ngram[:-1], 0.0) + math.log10(max(lm.prob(ngram[1:]), 1e-99))
    return history_prob(lm, ngram[:-1]) * 10 ** lm.probs[ngram] * abs(lm.probs[ngram] - backed_off)


def prune(lm, keep):
    longer = sorted((n for n in lm.probs if len(n) > 1), key=lambda n: weighted_difference(lm, n), reverse=True)
    kept = set(longer[:keep])
    for ngram in list(kept):
        kept.update(ngram[:k] for k in range(2, len(ngram)))
    return with_backoffs({n: p for n, p in lm.probs.items() if len(n) == 1 or n in kept})


def backoff_weights(lm, length):
    """The weight of each history of `length` words: the mass its listed continuations leave, over
    what the history one word shorter gives those same words. Needs the shorter histories' weights."""
    listed, lower = {}, {}
    for ngram, logp in lm.probs.items():
        if len(ngram) == length + 1:
            history = ngram[:-1]
            listed[history] = listed.get(history, 0.0) + 10 ** logp
            lower[history] = lower.get(history, 0.0) + lm.prob(ngram[1:])
    return {h: math.log10(max(1 - listed[h], 1e-9) / max(1 - lower[h], 1e-9)) for h in listed}


def write_arpa(path, probs, backoffs):
    order = max(len(n) for n in probs)
    by_order = [sorted(n for n in probs if len(n) == k) for k in range(1, order + 1)]
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\\data\\\n" + "".join(f"ngram {k + 1}={len(grams)}\n" for k, grams in enumerate(by_order)))
        for k, grams in enumerate(by_order):
            f.write(f"\n\\{k + 1}-grams:\n")
            for ngram in grams:
                backoff = f"\t{backoffs[ngram]:.7f}" if ngram in backoffs else ""
                f.write(f"{probs[ngram]:.7f}\t{' '.join(ngram)}{backoff}\n")
        f.write("\n\\end\\\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("first")
    p.add_argument("second")
    p.add_argument("--weight", type=float, default=0.5, help="the first model's share")
    p.add_argument("--keep", type=int, help="prune to this many bigrams and trigrams (and their histories)")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    mixed = mix(BackoffLM(*read_arpa(args.first)), BackoffLM(*read_arpa(args.second)), args.weight)
    if args.keep:
        mixed = prune(mixed, args.keep)
    write_arpa(args.out, mixed.probs, mixed.backoffs)
    print(f"wrote {args.out}: " + ", ".join(f"{sum(len(n) == k for n in mixed.probs)} {k}-grams" for k in (1, 2, 3)))


if __name__ == "__main__":
    main()
