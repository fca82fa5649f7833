"""Greedy CTC decoding and error rates, for the per-epoch dev score. The product's decoders are in src/decoder."""
def greedy(logprobs, length, tokens):
    ids = logprobs[:length].argmax(-1).tolist()
    out, prev = [], 0
    for i in ids:
        if i != prev and i != 0:
            out.append(tokens[i])
        prev = i
    return " ".join("".join(out).split())


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def error_rates(pairs):
    """(WER, CER) in percent over (hypothesis, reference) pairs."""
    word_errors = sum(edit_distance(h.split(), r.split()) for h, r in pairs)
    words = sum(len(r.split()) for _, r in pairs)
    char_errors = sum(edit_distance(h, r) for h, r in pairs)
    chars = sum(len(r) for _, r in pairs)
    return 100.0 * word_errors / max(words, 1), 100.0 * char_errors / max(chars, 1)
