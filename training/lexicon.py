"""Writes a phone model's pronunciation lexicon (lexicon.txt.gz): every word's pronunciations in the
model's tokens, one "word<TAB>tokens" line each, the most probable words under the LM's unigrams
first, so that decoding without an LM reads homophones as the likeliest. The pronunciations are
CMUdict's (BSD-2) and, with --text, espeak-ng's (training/g2p.py) for the LM's words CMUdict
lacks that the text holds at least twice and that are four characters or longer: book words such
as "vexation", "coverlet" and "croaked". Rarer words and shorter ones are mostly names, foreign
words and fragments, which took words from other sentences in decoding (docs/training.md,
session 30). export.py writes it for each phone
model; rewrite it after changing the LM, as its order follows the LM:

  /usr/bin/python3 training/lexicon.py --lm models/en-bilstm/lm.arpa.gz --text gutenberg-dialogue.txt \
    --text tatoeba.txt --out models/en-bilstm/lexicon.txt.gz
"""
import argparse
import collections
import gzip
import io
import re

from units import espeak_lexicon, read_cmudict

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
MIN_COUNT = 2
MIN_CHARS = 4


def unigram_log_probs(arpa_path):
    """The ARPA model's unigram log10 probabilities by word."""
    probs = {}
    with gzip.open(arpa_path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("\\1-grams:"):
                break
        for line in f:
            fields = line.split()
            if line.startswith("\\"):
                break
            if len(fields) >= 2:
                probs[fields[1]] = float(fields[0])
    return probs


def word_counts(text_files):
    counts = collections.Counter()
    for path in text_files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                counts.update(WORD.findall(line.lower()))
    return counts


def pronounced_elsewhere(words, cmudict, text_files):
    """espeak-ng's pronunciations of the words CMUdict lacks that text_files hold often enough."""
    counts = word_counts(text_files)
    wanted = sorted(w for w in words if w not in cmudict and WORD.fullmatch(w)
                    and len(w) >= MIN_CHARS and counts[w] >= MIN_COUNT)
    return espeak_lexicon(wanted)


def write_lexicon(path, lm_path, text_files=()):
    probs = unigram_log_probs(lm_path)
    cmudict = read_cmudict()
    lexicon = {**cmudict, **(pronounced_elsewhere(probs, cmudict, text_files) if text_files else {})}
    words = sorted(lexicon, key=lambda w: (-probs.get(w, -99.0), w))
    lines = (f"{word}\t{pron}\n" for word in words for pron in dict.fromkeys(lexicon[word]))
    # mtime 0: the same lexicon exports to the same bytes, so a re-export leaves git nothing to commit.
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8") as f:
        f.writelines(lines)
    return len(lexicon) - len(cmudict)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lm", required=True, help="ARPA LM whose words are pronounced and whose unigrams order the lexicon")
    p.add_argument("--text", action="append", default=[], help="text whose words espeak-ng may pronounce (repeatable)")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    added = write_lexicon(args.out, args.lm, args.text)
    print(f"wrote {args.out}: CMUdict and {added} words pronounced by espeak-ng")


if __name__ == "__main__":
    main()
