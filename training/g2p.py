"""Pronunciations, in ARPAbet, for words CMUdict lacks, from espeak-ng's rules (Debian's
espeak-ng, US English). A phone model can recognise only words that have a pronunciation, and the
LM holds many that CMUdict lacks: book words, names, dialect spellings.

  /usr/bin/python3 training/g2p.py    measures it against CMUdict on 3,000 words CMUdict holds
"""
import random
import re
import subprocess
import sys

# espeak-ng's English phoneme names (as `espeak-ng -x` writes them) in ARPAbet. The tokenizer tries
# the longer names first, so that it takes "aI@" before "aI" and "a".
ESPEAK_TO_ARPABET = {
    "aI@": "AY ER", "aI3": "AY ER", "aU@": "AW ER", "i@3": "IH R", "i@": "IH R", "e@": "EH R",
    "U@": "UH R", "O@": "AO R", "o@": "AO R", "A@": "AA R", "3:": "ER", "3": "ER", "@L": "AH L",
    "@-": "AH", "@2": "AH", "@5": "AH", "@": "AH", "aI": "AY", "aU": "AW", "eI": "EY", "oU": "OW", "OI": "OY",
    "a#": "AH", "aa": "AE", "a": "AE", "A:": "AA", "A": "AA", "0": "AA", "O:": "AO", "O2": "AO", "O": "AO",
    "E2": "EH", "E#": "EH", "E": "EH", "I2": "IH", "I#": "IH", "I": "IH", "i:": "IY", "i": "IY",
    "u:": "UW", "U": "UH", "V": "AH", "tS": "CH", "dZ": "JH", "t#": "T", "t2": "T", "d#": "D", "?": "T",
    "n-": "AH N", "m-": "AH M", "l-": "AH L", "r-": "", "N": "NG", "S": "SH", "Z": "ZH", "T": "TH",
    "D": "DH", "j": "Y", "h": "HH", "x": "K", "L": "L", "b": "B", "d": "D", "f": "F", "g": "G",
    "k": "K", "l": "L", "m": "M", "n": "N", "p": "P", "r": "R", "s": "S", "t": "T", "v": "V",
    "w": "W", "z": "Z",
}
ESPEAK_PHONEME = re.compile("|".join(re.escape(p) for p in sorted(ESPEAK_TO_ARPABET, key=len, reverse=True)))
STRESS_AND_BREAKS = re.compile(r"[',%=_;|]")


def espeak_to_arpabet(phonemes):
    """ARPAbet phones of one word's `espeak-ng -x` output, or None if it holds a phoneme the table lacks."""
    text = STRESS_AND_BREAKS.sub("", phonemes)
    tokens = ESPEAK_PHONEME.findall(text)
    if "".join(tokens) != text:
        return None
    phones = " ".join(ESPEAK_TO_ARPABET[t] for t in tokens).split()
    # espeak writes the r after an r-coloured vowel ("3r", "i@3r"); CMUdict has one R.
    return [p for i, p in enumerate(phones) if not (p == "R" and i > 0 and phones[i - 1] in ("R", "ER"))]


def espeak_pronunciations(words):
    """{word: ARPAbet phones} for the words espeak-ng pronounces with phonemes the table knows."""
    # A full stop after each word makes espeak write each on its own line.
    try:
        run = subprocess.run(["espeak-ng", "-v", "en-us", "-q", "-x", "--stdin"], input="".join(f"{w}.\n" for w in words),
                             capture_output=True, text=True, check=True)
    except FileNotFoundError:
        raise SystemExit("espeak-ng is missing: apt-get install espeak-ng")
    lines = [line.strip() for line in run.stdout.splitlines() if line.strip()]
    if len(lines) != len(words):
        raise RuntimeError(f"espeak-ng wrote {len(lines)} lines for {len(words)} words")
    prons = {}
    for word, line in zip(words, lines):
        phones = espeak_to_arpabet(line)
        if phones:
            prons[word] = phones
    return prons


def main():
    from decode import edit_distance
    from units import encode, read_cmudict  # here, as units imports this module
    cmudict = read_cmudict()
    words = sorted(w for w in cmudict if w.isalpha())
    sample = random.Random(1).sample(words, 3000)
    prons = {word: encode(phones) for word, phones in espeak_pronunciations(sample).items()}
    errors = sum(min(edit_distance(prons[w], p) for p in cmudict[w]) for w in prons)
    phones = sum(len(cmudict[w][0]) for w in prons)
    exact = sum(prons[w] in cmudict[w] for w in prons)
    print(f"{len(prons)} of {len(sample)} CMUdict words pronounced: phone error rate {100 * errors / phones:.1f}%, "
          f"{100 * exact / len(prons):.1f}% exactly one of CMUdict's pronunciations")


if __name__ == "__main__":
    sys.exit(main())
