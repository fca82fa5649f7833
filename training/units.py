"""What the model's outputs stand for: characters (every shipped model) or ARPAbet phones.

Phones are issue 17's phone-unit candidate: CTC over CMUdict's 39 phones plus the word separator,
with the pronunciation lexicon applied in decoding. Each phone is written as one character (PHONE_CODES)
so that transcripts, edit distances and the decoder's one-character tokens work unchanged; model.json
carries the code-to-phone table.
"""
from pathlib import Path

from g2p import espeak_pronunciations
from model import VOCAB

CMUDICT = Path("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")  # Debian's pocketsphinx-en-us
ARPABET = ["AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH",
           "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V",
           "W", "Y", "Z", "ZH"]
PHONE_CODES = dict(zip(ARPABET, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"))
OOV = "?"  # stands for a reference word without a pronunciation: it never matches


def encode(phones):
    """ARPAbet phones as the one-character codes of PHONE_CODES."""
    return "".join(PHONE_CODES[p] for p in phones)


def espeak_lexicon(words):
    """{word: [pronunciation]} from espeak-ng (g2p.py), in read_cmudict's form."""
    return {w: [encode(phones)] for w, phones in espeak_pronunciations(words).items()} if words else {}


def read_cmudict(path=CMUDICT):
    """{word: [pronunciation, ...]}, each pronunciation a string of phone codes, CMUdict's order kept."""
    prons = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        word, *phones = line.split()
        if "#" in phones:
            phones = phones[: phones.index("#")]
        prons.setdefault(word.split("(")[0], []).append(encode(p.rstrip("012") for p in phones))
    return prons


class Units:
    """Output tokens and the mapping of normalised transcripts onto them."""

    def __init__(self, kind):
        self.kind = kind
        if kind == "chars":
            self.tokens = VOCAB
        elif kind == "phones":
            self.tokens = ["<blank>", " "] + list(PHONE_CODES.values())
            self.lexicon = read_cmudict()
            self.spoken = {}
        else:
            raise ValueError(f"unknown units {kind!r}")
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def pronounce_missing(self, texts):
        """Gives the words of `texts` that CMUdict lacks espeak-ng's pronunciations (g2p.py), for
        spell alone: training then keeps transcripts with a name or a rare word (1.8 h of
        librispeech-mini's train split has one), while references, and so dev scores, stay CMUdict's."""
        words = sorted({w for text in texts for w in text.split()} - self.lexicon.keys())
        self.spoken = espeak_lexicon(words)
        return len(self.spoken)

    def spell(self, text):
        """The transcript in these units' characters; for phones each word's first pronunciation,
        or None when a word has none."""
        if self.kind == "chars":
            return "".join(c for c in text if c in self.ids)
        words = [(self.lexicon.get(w) or self.spoken.get(w) or [None])[0] for w in text.split()]
        return None if None in words else " ".join(words)

    def reference(self, text):
        """Like spell, with OOV for words without a pronunciation, for scoring."""
        if self.kind == "chars":
            return text
        return " ".join(self.lexicon.get(w, [OOV])[0] for w in text.split())

    def labels(self, spelled):
        return [self.ids[c] for c in spelled if c in self.ids]
