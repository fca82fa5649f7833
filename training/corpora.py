"""Corpus readers: the ../shared layout (manifest.tsv) and the LibriSpeech layout (*.trans.txt beside FLAC)."""
from pathlib import Path

from common import read_manifest


def find_corpora(root):
    return sorted(p for p in Path(root).iterdir() if (p / "manifest.tsv").exists())


# bench/intents.mjs tests command words on these speechcommands speakers (ids starting 0-3), so
# training leaves them out: their split becomes "heldout".
HELD_OUT_SPEAKER_PREFIXES = ("speechcommands", tuple("0123"))


def load_corpus(path):
    path = Path(path)
    if not (path / "manifest.tsv").exists():
        return load_librispeech(path)
    rows = read_manifest(path / "manifest.tsv")
    corpus, prefixes = HELD_OUT_SPEAKER_PREFIXES
    if path.name == corpus:
        for row in rows:
            if row["speaker"].startswith(prefixes):
                row["split"] = "heldout"
    return rows


def load_librispeech(path):
    """Every utterance under `path` counts as train; seconds are filled in by `earshot features`."""
    rows = []
    for trans in sorted(path.rglob("*.trans.txt")):
        for line in trans.read_text(encoding="utf-8").splitlines():
            utt, _, text = line.partition(" ")
            audio = trans.parent / f"{utt}.flac"
            if audio.exists():
                rows.append({"audio": str(audio), "text": text, "speaker": utt.split("-")[0], "split": "train", "seconds": 0})
    return rows
