"""Waveform augmentation: speed, reverb and far-field rooms, telephone band and codec, noise, gain.

Everything here is applied before features are computed, so that `earshot features` stays the one
feature implementation that training and inference share.
"""
import numpy as np
import torch
import torchaudio.functional as AF

from common import SAMPLE_RATE

SPEEDS = (0.9, 0.95, 1.05, 1.1)


def speed(x, factor):
    """Plays the signal `factor` times faster (tempo and pitch), like sox's `speed`."""
    source_rate = int(round(SAMPLE_RATE * factor / 100.0)) * 100
    return AF.resample(torch.from_numpy(x), source_rate, SAMPLE_RATE).numpy()


def room_impulse_response(rng, rt60_range, tail_range):
    """An exponentially decaying noise tail with a direct path: a cheap synthetic room. The tail's
    RMS amplitude is drawn from `tail_range` relative to the direct path (1.0: 0 dB direct to
    reverberant ratio)."""
    rt60 = rng.uniform(*rt60_range)
    length = int(rt60 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    tail = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)
    tail[: int(0.002 * SAMPLE_RATE)] = 0
    rir = tail * rng.uniform(*tail_range) / np.sqrt(np.sum(tail**2))
    rir[0] = 1.0
    return rir.astype(np.float32)


def reverb(x, rng, rt60_range=(0.15, 0.7), tail_range=(0.1, 0.5)):
    rir = room_impulse_response(rng, rt60_range, tail_range)
    n = len(x) + len(rir)
    y = np.fft.irfft(np.fft.rfft(x, n) * np.fft.rfft(rir, n), n)[: len(x)]
    return y * (np.max(np.abs(x)) / (np.max(np.abs(y)) + 1e-9))


def telephone(x, rng):
    """300-3400 Hz band, 8 kHz sampling and mu-law quantisation, as on a phone line."""
    t = torch.from_numpy(x)
    t = AF.highpass_biquad(t, SAMPLE_RATE, 300.0)
    t = AF.lowpass_biquad(t, SAMPLE_RATE, 3400.0)
    narrow = AF.resample(t, SAMPLE_RATE, 8000)
    peak = narrow.abs().max() + 1e-9
    q = AF.mu_law_encoding(narrow / peak, 256)
    narrow = AF.mu_law_decoding(q, 256) * peak
    if rng.random() < 0.5:
        narrow = AF.lowpass_biquad(narrow, 8000, rng.uniform(2800.0, 3400.0))
    return AF.resample(narrow, 8000, SAMPLE_RATE).numpy()[: len(x)]


def colored_noise(n, rng, exponent):
    """Noise with a 1/f^exponent power spectrum: 0 white, 1 pink, 2 brown."""
    spectrum = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    freqs = np.maximum(np.arange(n // 2 + 1), 1)
    noise = np.fft.irfft(spectrum / freqs ** (exponent / 2), n)
    return noise.astype(np.float32)


def hum(n, rng):
    base = rng.choice([50.0, 60.0])
    t = np.arange(n) / SAMPLE_RATE
    return sum(np.sin(2 * np.pi * base * k * t + rng.uniform(0, 6.3)) / k for k in range(1, 8)).astype(np.float32)


def babble(n, rng, pool):
    out = np.zeros(n, dtype=np.float32)
    for _ in range(rng.integers(2, 6)):
        other = pool[rng.integers(len(pool))]
        if len(other) < n:
            other = np.tile(other, n // len(other) + 1)
        start = rng.integers(0, len(other) - n + 1)
        out += other[start : start + n] / (np.std(other) + 1e-9)
    return out


def make_noise(n, rng, pool):
    kind = rng.choice(["white", "pink", "brown", "babble", "hum"], p=[0.2, 0.25, 0.15, 0.3, 0.1])
    if kind == "babble" and pool:
        return babble(n, rng, pool)
    if kind == "hum":
        return hum(n, rng) + 0.1 * colored_noise(n, rng, 1.0)
    return colored_noise(n, rng, {"white": 0.0, "pink": 1.0, "brown": 2.0}.get(kind, 1.0))


def add_noise(x, rng, pool, snr_db):
    noise = make_noise(len(x), rng, pool)
    signal_power = np.mean(x**2) + 1e-12
    noise_power = np.mean(noise**2) + 1e-12
    return x + noise * np.sqrt(signal_power / (noise_power * 10 ** (snr_db / 10)))


def augment(x, rng, pool, noise_probability=0.75, snr_db=(5.0, 30.0)):
    """One random mix of the augmentations; `pool` holds other utterances for babble."""
    if rng.random() < 0.7:
        x = speed(x, rng.choice(SPEEDS))
    if rng.random() < 0.3:
        x = reverb(x, rng)
    if rng.random() < 0.15:
        x = telephone(x, rng)
    if rng.random() < noise_probability:
        x = add_noise(x, rng, pool, rng.uniform(*snr_db))
    return random_level(x, rng)


def random_level(x, rng):
    """The signal with its peak at -30 to -1 dBFS, as float32."""
    peak = np.max(np.abs(x)) + 1e-9
    return (x / peak * 10 ** (rng.uniform(-30.0, -1.0) / 20)).astype(np.float32)


def augment_noisy(x, rng, pool):
    """Like augment, but always under noise at 0-15 dB SNR, as in a kitchen or a car: measured by
    bench/noise.mjs, WER at 10 dB babble was 7x that of clean speech with only augment's copies."""
    return augment(x, rng, pool, noise_probability=1.0, snr_db=(0.0, 15.0))


def augment_far(x, rng, pool):
    """A far-field copy: a livelier room (RT60 0.3-1.0 s) heard from further away (direct to
    reverberant ratio -3 to 6 dB) than augment's light reverb, half the time under noise at 5-25 dB
    SNR. Measured by bench/noise.mjs with augment's copies only: AN4 WER was 2x that of clean speech
    in a 0.4 s room at 6 dB, and 6x in a 0.8 s room at 0 dB."""
    if rng.random() < 0.5:
        x = speed(x, rng.choice(SPEEDS))
    x = reverb(x, rng, rt60_range=(0.3, 1.0), tail_range=(0.5, 1.4))
    if rng.random() < 0.5:
        x = add_noise(x, rng, pool, rng.uniform(5.0, 25.0))
    return random_level(x, rng)


def beeps(n, rng):
    """A few short sine beeps, like a device's prompts."""
    out = np.zeros(n, dtype=np.float32)
    t = np.arange(int(rng.uniform(0.05, 0.4) * SAMPLE_RATE)) / SAMPLE_RATE
    for _ in range(rng.integers(1, 4)):
        tone = np.sin(2 * np.pi * rng.uniform(300.0, 3000.0) * t) * np.hanning(len(t))
        start = rng.integers(0, max(1, n - len(t)))
        out[start : start + len(t)] += tone[: n - start]
    return out


def nonspeech(rng):
    """0.5-8 s without speech: near-silence, coloured noise, mains hum or beeps over a noise floor,
    sometimes reverberant or telephone-band, at -90 to -20 dBFS."""
    n = int(rng.uniform(0.5, 8.0) * SAMPLE_RATE)
    floor = colored_noise(n, rng, rng.choice([0.0, 1.0, 2.0]))
    floor /= np.sqrt(np.mean(floor**2)) + 1e-12
    kind = rng.choice(["silence", "noise", "hum", "beeps"], p=[0.3, 0.45, 0.1, 0.15])
    if kind == "silence":
        x = floor * 10 ** (rng.uniform(-90.0, -60.0) / 20)
    elif kind == "noise":
        x = floor * 10 ** (rng.uniform(-65.0, -20.0) / 20)
    else:
        sound = hum(n, rng) if kind == "hum" else beeps(n, rng)
        x = sound * 10 ** (rng.uniform(-45.0, -15.0) / 20) + floor * 10 ** (rng.uniform(-75.0, -40.0) / 20)
    if rng.random() < 0.2:
        x = reverb(x, rng)
    if rng.random() < 0.1:
        x = telephone(x, rng)
    return np.clip(x, -1.0, 1.0).astype(np.float32)
