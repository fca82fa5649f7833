"""Converts a sphinxbase "trie" binary language model (pocketsphinx's *.lm.bin) to gzip'd ARPA text.

The layout, all little-endian, as sphinxbase writes and reads it: ngram_model_trie.c
(ngram_model_trie_read_bin, read_word_str), lm_trie.c (lm_trie_read_bin, lm_trie_alloc_ngram,
base_size, middle_init, fill order in recursive_insert), lm_trie.h (unigram_t), lm_trie_quant.c
(lm_trie_quant_read_bin, lm_trie_quant_mboread/mpread/lpread) and util/bitarr.c
(bitarr_read_int25, bitarr_required_bits), all under src/libsphinxbase/ in cmusphinx/sphinxbase:

  "Trie Language Model"             19 bytes, no NUL
  uint8 order, uint32 counts[order] n-grams per order
  int32 quantisation type           1: 16-bit bins (the only kind current sphinxbase writes)
  float32 bin centres               for each order 2..order-1: 65536 probability centres, then
                                    65536 back-off centres; then 65536 for the top order's
                                    probabilities
  unigram_t[counts[0] + 1]          float32 prob, float32 backoff, uint32 next: the unigram's first
                                    child in the bigram array; the last entry is a sentinel
  one bit-packed array per order 2..order-1, counts[n-1] + 1 entries of
        word (bits(counts[0])) | back-off bin (16) | probability bin (16) | next (bits(counts[n]))
  one bit-packed array for the top order, counts[-1] + 1 entries of
        word (bits(counts[0])) | probability bin (16)
                                    each array ends on a byte, then 8 bytes of padding
  int32 length, then counts[0] NUL-terminated words, in word-id order

Fields are packed from bit 0 of byte 0 upwards, entry i at bit i * entry_bits; an entry's children
are the entries [next(i), next(i + 1)) of the next order, sorted by word id. The trie is built
backwards, KenLM style: a path unigram -> bigram entry -> trigram entry spells w3 w2 w1, the word
predicted first, then its history from the nearest word back (fill_raw_ngram reverses it again).
Scores are in logmath units (natural log / ln 1.0001); ARPA wants log10.

The file's counts can exceed what its trie holds: lm_trie_fix_counts reserves a "blank" entry for
every n-gram whose (reversed) parent is missing, but recursive_insert skips the blank when the stale
word it compares with happens to equal the missing one, so those slots stay empty and the n-grams
that needed them sit under the entry inserted before, usually out of word order (those that happen
to sort after its own children cannot be told apart and stay as the file has them). This trips
sphinx_lm_convert's assertion (raw_ngram_idx == n_counts): its walk from the unigrams finds fewer
entries than the header says. Here only entries reachable from the unigrams are written, and a child
run that goes backwards in word order is cut at that point (with everything under the cut entries).
The blanks that were inserted are written as they are: back-off 0 and, in a trigram model, the
back-off estimate as probability.

  /usr/bin/python3 training/sphinx_lm_to_arpa.py \\
      [--input /usr/share/pocketsphinx/model/en-us/en-us.lm.bin] [--output cache/lm/en-us-sphinx.arpa.gz]
"""
import argparse
import gzip
import math
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HEADER = b"Trie Language Model"
QUANT_16 = 1
BIN_BITS = 16
BINS = 1 << BIN_BITS
LOG10_OF_LOGMATH_UNIT = math.log10(1.0001)
UNIGRAM = np.dtype([("prob", "<f4"), ("backoff", "<f4"), ("next", "<u4")])


@dataclass
class Level:
    """The n-grams of one order that the trie reaches, as parallel arrays."""
    trie_path: np.ndarray  # (count, order) word ids as the trie stores them: the last word first
    log10_prob: np.ndarray
    log10_backoff: np.ndarray | None  # None for the top order
    parents: np.ndarray  # index of each entry's parent (the n-gram without its first word) one level down
    header_count: int
    out_of_order: np.ndarray  # bool: cut from a child run that goes backwards (see above)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", default="/usr/share/pocketsphinx/model/en-us/en-us.lm.bin")
    p.add_argument("--output", default=str(ROOT / "cache" / "lm" / "en-us-sphinx.arpa.gz"))
    return p.parse_args()


def required_bits(max_value):
    return int(max_value).bit_length()


def packed_array_size(entries, entry_bits):
    """base_size in lm_trie.c: one extra entry for the last next pointer, rounded up to a byte, plus 8 bytes."""
    return ((1 + entries) * entry_bits + 7) // 8 + 8


def read_bit_fields(mem, entry_bits, field_offset, field_bits, count):
    """Field `field_offset..+field_bits` of entries 0..count-1 of a bit-packed array."""
    bit = np.arange(count, dtype=np.int64) * entry_bits + field_offset
    eight_bytes = mem[(bit >> 3)[:, None] + np.arange(8)].view("<u8")[:, 0]
    return ((eight_bytes >> (bit & 7).astype(np.uint64)) & np.uint64((1 << field_bits) - 1)).astype(np.int64)


class Reader:
    def __init__(self, data):
        self.data = data
        self.at = 0

    def take(self, size):
        chunk = self.data[self.at:self.at + size]
        if len(chunk) != size:
            sys.exit(f"file ends at byte {len(self.data)}, {size} more needed at {self.at}")
        self.at += size
        return chunk

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))

    def array(self, dtype, count):
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count), dtype)


def read_quantiser(reader, order):
    """Bin centres per order 2..order: (probability centres, back-off centres or None)."""
    (quant_type,) = reader.unpack("<i")
    if quant_type != QUANT_16:
        sys.exit(f"quantisation type {quant_type} is not supported (only 16-bit bins, type {QUANT_16})")
    tables = {n: (reader.array("<f4", BINS), reader.array("<f4", BINS)) for n in range(2, order)}
    tables[order] = (reader.array("<f4", BINS), None)
    return tables


def read_word_strings(reader, vocabulary_size):
    (length,) = reader.unpack("<i")
    words = reader.take(length).split(b"\0")[:-1]
    if len(words) != vocabulary_size:
        sys.exit(f"{len(words)} word strings for {vocabulary_size} unigrams")
    return [word.decode("utf-8") for word in words]


def to_log10(logmath):
    return logmath.astype(np.float64) * LOG10_OF_LOGMATH_UNIT


def children_parents(next_pointers, parent_count):
    """For each child reachable from entries 0..parent_count-1, the index of its parent."""
    starts = next_pointers[:parent_count + 1].astype(np.int64)
    if starts[0] != 0 or np.any(np.diff(starts) < 0):
        sys.exit("next pointers do not start at 0 and ascend")
    return np.repeat(np.arange(parent_count), np.diff(starts))


def out_of_order(parents, words):
    """Children from the first step backwards in word order to the end of their parent's run."""
    same_parent = np.r_[False, parents[1:] == parents[:-1]]
    step_back = same_parent & np.r_[False, words[1:] <= words[:-1]]
    backs_so_far = np.cumsum(step_back)
    run_start = np.maximum.accumulate(np.where(same_parent, 0, np.arange(len(parents))))
    return backs_so_far > backs_so_far[run_start]


def read_level(mem, n, order, counts, quantiser, below, below_next):
    """The n-grams of order n under the (n-1)-grams `below`, and the next pointers to their own children."""
    word_bits = required_bits(counts[0])
    next_bits = required_bits(counts[n]) if n < order else 0
    entry_bits = word_bits + (2 * BIN_BITS if n < order else BIN_BITS) + next_bits
    parents = children_parents(below_next, len(below.trie_path))
    reachable = len(parents)
    words = read_bit_fields(mem, entry_bits, 0, word_bits, reachable)
    prob_centres, backoff_centres = quantiser[n]
    # A middle entry's 32 quantiser bits hold the back-off bin low, the probability bin high.
    prob_offset = word_bits + (BIN_BITS if n < order else 0)
    prob = prob_centres[read_bit_fields(mem, entry_bits, prob_offset, BIN_BITS, reachable)]
    backoff = next_pointers = None
    if n < order:
        backoff = to_log10(backoff_centres[read_bit_fields(mem, entry_bits, word_bits, BIN_BITS, reachable)])
        next_pointers = read_bit_fields(mem, entry_bits, word_bits + 2 * BIN_BITS, next_bits, reachable + 1)
    level = Level(np.column_stack([below.trie_path[parents], words]), to_log10(prob), backoff, parents,
                  counts[n - 1], out_of_order(parents, words))
    return level, next_pointers


def read_model(path):
    reader = Reader(Path(path).read_bytes())
    if reader.take(len(HEADER)) != HEADER:
        sys.exit(f"{path}: not a sphinxbase trie LM (header is not {HEADER!r})")
    (order,) = reader.unpack("<B")
    counts = reader.unpack(f"<{order}I")
    quantiser = read_quantiser(reader, order) if order > 1 else {}
    unigrams = reader.array(UNIGRAM, counts[0] + 1)
    word_bits = required_bits(counts[0])
    arrays = {}
    for n in range(2, order + 1):
        payload_bits = 2 * BIN_BITS + required_bits(counts[n]) if n < order else BIN_BITS
        arrays[n] = np.frombuffer(reader.take(packed_array_size(counts[n - 1], word_bits + payload_bits)), np.uint8)
    vocabulary = read_word_strings(reader, counts[0])
    if reader.at != len(reader.data):
        sys.exit(f"{len(reader.data) - reader.at} bytes left after the word strings")

    backoff = to_log10(unigrams["backoff"][:-1]) if order > 1 else None
    levels = [Level(np.arange(counts[0])[:, None], to_log10(unigrams["prob"][:-1]), backoff,
                    np.zeros(counts[0], np.int64), counts[0], np.zeros(counts[0], bool))]
    next_pointers = unigrams["next"]
    for n in range(2, order + 1):
        level, next_pointers = read_level(arrays[n], n, order, counts, quantiser, levels[-1], next_pointers)
        levels.append(level)
    return vocabulary, levels


def kept_masks(levels):
    """Per level, the n-grams to write: in word order, under a parent that is written too."""
    masks = [~levels[0].out_of_order]
    for level in levels[1:]:
        masks.append(masks[-1][level.parents] & ~level.out_of_order)
    return masks


def format_lines(level, kept, vocabulary, has_backoff):
    """ARPA lines for the kept n-grams, in reading order, sorted by word ids as sphinx_lm_convert sorts them."""
    ngrams = level.trie_path[kept][:, ::-1]
    by_words = np.lexsort(ngrams.T[::-1])
    text = [" ".join(vocabulary[w] for w in row) for row in ngrams[by_words].tolist()]
    probs = level.log10_prob[kept][by_words].tolist()
    if not has_backoff:
        return [f"{p:.6f}\t{t}\n" for p, t in zip(probs, text)]
    backoffs = level.log10_backoff[kept][by_words].tolist()
    return [f"{p:.6f}\t{t}\t{b:.6f}\n" for p, t, b in zip(probs, text, backoffs)]


def write_arpa(path, vocabulary, levels, masks, source):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write(f"Converted from the sphinxbase trie LM {source} by training/sphinx_lm_to_arpa.py\n\n\\data\\\n")
        out.writelines(f"ngram {n}={int(kept.sum())}\n" for n, kept in enumerate(masks, 1))
        for n, (level, kept) in enumerate(zip(levels, masks), 1):
            out.write(f"\n\\{n}-grams:\n")
            out.writelines(format_lines(level, kept, vocabulary, n < len(levels)))
        out.write("\n\\end\\\n")


def report(levels, masks, vocabulary):
    for n, (level, kept) in enumerate(zip(levels, masks), 1):
        in_trie, written = len(kept), int(kept.sum())
        print(f"{n}-grams: header {level.header_count:,}, reachable in the trie {in_trie:,} "
              f"({level.header_count - in_trie:,} empty slots), out of word order {int(level.out_of_order.sum()):,}, "
              f"dropped with them {in_trie - written:,}, written {written:,}")
        for path in level.trie_path[~kept][:20].tolist():
            print(f"  dropped: {' '.join(vocabulary[w] for w in reversed(path))}")


def main():
    args = parse_args()
    vocabulary, levels = read_model(args.input)
    if len(set(vocabulary)) != len(vocabulary):
        sys.exit("the vocabulary has duplicate words")
    masks = kept_masks(levels)
    report(levels, masks, vocabulary)
    write_arpa(args.output, vocabulary, levels, masks, args.input)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
