"""Stage 1, data: builds the training manifests under cache/data/.

- real.tsv: the train splits of every corpus (../shared/corpora, or --corpus DIR for more),
  pointing at the original audio;
- real-aug.tsv: --copies augmented copies of each real utterance;
- real-noisy.tsv: one more copy of each real utterance, always under noise at 0-15 dB SNR;
- real-far.tsv: one more copy of each real utterance in a reverberant room, heard from afar;
- synth.tsv: --synth sentences from ../shared/text spoken by many TTS voices, mostly augmented;
- nonspeech.tsv: --nonspeech clips of silence, noise, hum and beeps with empty transcripts, so the
  model learns to say nothing when nobody speaks (without them it had learned that every input
  holds some words, and printed "so" for a quiet room).

Resumable: files that exist are kept. Run: /usr/bin/python3 training/prepare_data.py
"""
import argparse
import random
import re
import subprocess
import tempfile
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
import torchaudio.functional as AF

from augment import augment, augment_far, augment_noisy, nonspeech
from common import CACHE, SAMPLE_RATE, SHARED, read_wav, write_manifest, write_wav_atomic
from corpora import find_corpora, load_corpus

DATA = CACHE / "data"
TEXT_FILES = ["slurp.txt", "snips2017.txt", "hwu64.txt", "clinc150.txt", "ljspeech.txt"]
SPEAKABLE = re.compile(r"^[A-Za-z][A-Za-z ,.?!'\-]*$")

# (engine, voice, weight). espeak-ng's formant voices sound least human, so they stay a small share.
VOICES = [
    ("flite", "slt", 3), ("flite", "rms", 3), ("flite", "awb", 3), ("flite", "kal16", 2),
    ("rhvoice", "alan", 4), ("rhvoice", "bdl", 4), ("rhvoice", "clb", 4), ("rhvoice", "slt", 4),
    ("rhvoice", "evgeniy-eng", 2), ("rhvoice", "lyubov", 2),
    ("pico", "en-US", 3), ("pico", "en-GB", 3),
    ("festival", "cmu_us_slt_arctic_hts", 2), ("festival", "kal_diphone", 1),
    ("festival", "ked_diphone", 1), ("festival", "rab_diphone", 1),
    ("espeak", "mb-us1", 2), ("espeak", "mb-us2", 2), ("espeak", "mb-us3", 2), ("espeak", "mb-en1", 1),
    ("espeak", "en-us", 1), ("espeak", "en-gb-scotland", 1), ("espeak", "en-029", 1),
]


def tts_command(engine, voice, text, out, rng):
    rate = rng.uniform(0.85, 1.2)
    if engine == "flite":
        return ["flite", "-voice", voice, "--setf", f"duration_stretch={1 / rate:.2f}", "-t", text, "-o", out], None
    if engine == "rhvoice":
        return ["RHVoice-test", "-p", voice, "-r", str(int(rate * 100)), "-t", str(rng.randint(80, 120)), "-o", out], text
    if engine == "pico":
        return ["pico2wave", "-l", voice, "-w", out, text], None
    if engine == "festival":
        return ["text2wave", "-eval", f"(voice_{voice})", "-o", out], text
    return ["espeak-ng", "-v", voice, "-s", str(int(160 * rate)), "-p", str(rng.randint(30, 70)), "-w", out, text], None


def load_any_wav(path):
    """Reads a TTS output (16-bit mono at its own rate) as 16 kHz float."""
    samples, rate = read_wav(path)
    if rate != SAMPLE_RATE:
        samples = AF.resample(torch.from_numpy(samples), rate, SAMPLE_RATE).numpy()
    return samples


def decode(path):
    if path.endswith(".wav"):
        return load_any_wav(path)
    args = ["opusdec", "--rate", "16000", "--quiet", "--force-wav", path, "-"]
    if path.endswith(".flac"):
        args = ["sox", path, "-t", "wav", "-r", "16000", "-c", "1", "-b", "16", "-"]
    raw = subprocess.run(args, capture_output=True, check=True).stdout
    return np.frombuffer(raw[44 : 44 + (len(raw) - 44) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0


BABBLE = []


def init_worker(babble_files):
    BABBLE.extend(decode(f) for f in babble_files)
    torch.set_num_threads(1)


def make_augmented(job):
    """Writes one copy of a real utterance through `how` (augment, augment_noisy or augment_far)."""
    src, out, seed, how = job
    if Path(out).exists():
        return out
    write_wav_atomic(out, how(decode(src), np.random.default_rng(seed), BABBLE))
    return out


def make_synthetic(job):
    engine, voice, text, out, seed = job
    if Path(out).exists():
        return out
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        raw = f"{tmp}/tts.wav"
        args, stdin = tts_command(engine, voice, text, raw, rng)
        subprocess.run(args, input=stdin, text=True, capture_output=True, timeout=60, check=True)
        samples = load_any_wav(raw)
    pad = np.zeros(int(rng.uniform(0.05, 0.4) * SAMPLE_RATE), dtype=np.float32)
    samples = np.concatenate([pad, samples, pad])
    if rng.random() < 0.85:
        samples = augment(samples, np.random.default_rng(seed), BABBLE)
    write_wav_atomic(out, samples)
    return out


def make_nonspeech(job):
    out, seed = job
    if Path(out).exists():
        return out
    write_wav_atomic(out, nonspeech(np.random.default_rng(seed)))
    return out


def run_jobs(fn, jobs, processes, babble_files, label):
    done = 0
    with Pool(processes, initializer=init_worker, initargs=(babble_files,)) as pool:
        for _ in pool.imap_unordered(safe(fn), jobs, chunksize=8):
            done += 1
            if done % 500 == 0 or done == len(jobs):
                print(f"{label}: {done}/{len(jobs)}", flush=True)


class safe:
    """Reports a failed item and goes on, so one bad file never stops the stage."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, job):
        try:
            return self.fn(job)
        except Exception as e:  # noqa: BLE001 - any failure of one item is reported, not fatal
            print(f"skipped {job[:2]}: {e}", flush=True)
            return None


def speakable_sentences(count, rng):
    lines = []
    for name in TEXT_FILES:
        for line in (SHARED / "text" / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if SPEAKABLE.match(line) and 2 <= len(line.split()) <= 24:
                lines.append(line)
    lines = sorted(set(lines))
    rng.shuffle(lines)
    return lines[:count]


def cut_short(rows, factor=1.5, min_rows=20, min_chars=30):
    """Indices of rows whose transcript would be spoken implausibly fast for their speaker (characters
    per second above `factor` times the speaker's median): clips cut off before their transcript ends.
    About a sixth of ljspeech's are; trained on, they teach the model to emit words it did not hear.
    Transcripts under `min_chars` are left alone: a single word's rate says little."""
    rates = {}
    for i, row in enumerate(rows):
        if float(row["seconds"]) > 0 and len(row["text"]) >= min_chars:
            rates.setdefault(row["speaker"], []).append((len(row["text"]) / float(row["seconds"]), i))
    cut = set()
    for speaker_rates in rates.values():
        if len(speaker_rates) >= min_rows:
            median = float(np.median([r for r, _ in speaker_rates]))
            cut |= {i for r, i in speaker_rates if r > factor * median}
    return cut


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", default=[], help="extra corpus dir (../shared layout or LibriSpeech)")
    parser.add_argument("--copies", type=int, default=2, help="augmented copies of each real utterance")
    parser.add_argument("--synth", type=int, default=8000, help="synthetic utterances")
    parser.add_argument("--nonspeech", type=int, default=1500, help="clips without speech")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    rows = []
    for corpus in find_corpora(SHARED / "corpora") + [Path(c) for c in args.corpus]:
        rows += [r for r in load_corpus(corpus) if r["split"] == "train"]
    cut = cut_short(rows)
    kept = [r for i, r in enumerate(rows) if i not in cut]
    write_manifest(DATA / "real.tsv", kept)
    print(f"real: {len(kept)} utterances, {sum(float(r['seconds']) for r in kept) / 3600:.2f} h "
          f"({len(cut)} left out, cut off before their transcript ends)", flush=True)

    rng = random.Random(1234)
    babble_files = [r["audio"] for r in rng.sample(rows, 60)]
    aug_rows, aug_jobs = [], []
    for i, row in enumerate(rows):  # numbered over all rows, so cached copies keep their names
        if i in cut:
            continue
        for k in range(args.copies):
            out = str(DATA / "aug" / f"{i // 1000:03d}" / f"{i:06d}-{k}.wav")
            aug_jobs.append((row["audio"], out, i * 16 + k, augment))
            aug_rows.append({**row, "audio": out, "speaker": row["speaker"]})
    run_jobs(make_augmented, aug_jobs, args.jobs, babble_files, "augment")
    write_manifest(DATA / "real-aug.tsv", [r for r in aug_rows if Path(r["audio"]).exists()])

    voices = [v for v in VOICES for _ in range(v[2])]
    synth_rows, synth_jobs = [], []
    for i, text in enumerate(speakable_sentences(args.synth, rng)):
        engine, voice, _ = voices[i % len(voices)] if i < len(voices) else rng.choice(voices)
        out = str(DATA / "synth" / f"{engine}-{voice}" / f"{i:06d}.wav")
        synth_jobs.append((engine, voice, text, out, 100000 + i))
        synth_rows.append({"audio": out, "text": text, "speaker": f"{engine}-{voice}", "split": "train", "seconds": 0})
    run_jobs(make_synthetic, synth_jobs, args.jobs, babble_files, "synth")
    write_manifest(DATA / "synth.tsv", [r for r in synth_rows if Path(r["audio"]).exists()])

    quiet_jobs = [(str(DATA / "nonspeech" / f"{i:05d}.wav"), 900000 + i) for i in range(args.nonspeech)]
    run_jobs(make_nonspeech, quiet_jobs, args.jobs, babble_files, "nonspeech")
    write_manifest(DATA / "nonspeech.tsv", [{"audio": out, "text": "", "speaker": "nonspeech", "split": "train", "seconds": 0}
                                             for out, _ in quiet_jobs if Path(out).exists()])

    for name, seed, how in [("noisy", 15, augment_noisy), ("far", 14, augment_far)]:
        jobs = [(row["audio"], str(DATA / "aug" / f"{i // 1000:03d}" / f"{i:06d}-{name}.wav"), i * 16 + seed, how)
                for i, row in enumerate(rows) if i not in cut]
        run_jobs(make_augmented, jobs, args.jobs, babble_files, name)
        write_manifest(DATA / f"real-{name}.tsv", [{**row, "audio": job[1]} for row, job in zip(kept, jobs)
                                                   if Path(job[1]).exists()])


if __name__ == "__main__":
    main()
