import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures, DEFAULT_FEATURES, FeatureStream, MfccExtractor } from '../../src/features/index.js';
import { dctMatrix, melFilterbank } from '../../src/features/mel.js';
import { loadSample, ROOT, seededRandom } from '../helpers.js';

const reference = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/mfcc-reference.json'), 'utf8')) as { clip: string; frames: number[][] };

describe('MFCC', () => {
  it('matches torchaudio Kaldi-compatible MFCC within 1e-3', () => {
    // Fixture: test/fixtures/make_mfcc_reference.py (torchaudio.compliance.kaldi.mfcc, same settings).
    const samples = loadSample(path.basename(reference.clip));
    const frames = new MfccExtractor(DEFAULT_FEATURES).push(samples);
    expect(frames.length).toBeGreaterThanOrEqual(reference.frames.length);
    let worst = 0;
    reference.frames.forEach((row, t) => row.forEach((v, k) => (worst = Math.max(worst, Math.abs(frames[t][k] - v)))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('cuts frames Kaldi-style: 1 + floor((n - 512) / 160)', () => {
    const extractor = new MfccExtractor(DEFAULT_FEATURES);
    expect(extractor.push(new Float32Array(511))).toHaveLength(0);
    expect(new MfccExtractor(DEFAULT_FEATURES).push(new Float32Array(512 + 160 * 9 + 159))).toHaveLength(10);
  });

  it('has unit-peak triangular mel filters inside 20-7600 Hz and an orthonormal DCT', () => {
    const filters = melFilterbank(16000, 512, 40, 20, 7600);
    expect(filters).toHaveLength(40);
    for (const f of filters) {
      expect(Math.max(...f.weights)).toBeGreaterThan(0.5);
      expect(Math.max(...f.weights)).toBeLessThanOrEqual(1);
      expect((f.firstBin + f.weights.length) * (16000 / 512)).toBeLessThanOrEqual(7600 + 16000 / 512);
    }
    const dct = dctMatrix(40, 40);
    const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(dct[0], dct[0])).toBeCloseTo(1, 10);
    expect(dot(dct[3], dct[3])).toBeCloseTo(1, 10);
    expect(dot(dct[3], dct[7])).toBeCloseTo(0, 10);
  });
});

describe('FeatureStream', () => {
  const samples = loadSample('cathy-arctic_a0074.wav');

  it('gives the same frames chunk by chunk as for the whole signal', () => {
    const whole = computeFeatures(samples);
    const random = seededRandom(3);
    const stream = new FeatureStream();
    const frames: Float32Array[] = [];
    for (let i = 0; i < samples.length; ) {
      const size = 1 + Math.floor(random() * 3000);
      frames.push(...stream.push(samples.subarray(i, i + size)));
      i += size;
    }
    expect(frames).toHaveLength(whole.frames);
    frames.forEach((frame, t) => expect(Array.from(frame)).toEqual(Array.from(whole.data.subarray(t * whole.dim, (t + 1) * whole.dim))));
  });

  it('does not depend on input gain above the energy floor: -20 dB changes no coefficient by more than 1e-3', () => {
    const config = { ...DEFAULT_FEATURES, logFloor: 1e-14 };
    const quiet = samples.map((s) => s * 0.1);
    const loud = computeFeatures(samples, config);
    const soft = computeFeatures(quiet, config);
    let worst = 0;
    loud.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - soft.data[i]))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('floors digital silence: zeros give every log-mel energy at log(logFloor), so c0 = sqrt(bins) * log(logFloor)', () => {
    const [frame] = new MfccExtractor(DEFAULT_FEATURES).push(new Float32Array(DEFAULT_FEATURES.frameLength));
    expect(frame[0]).toBeCloseTo(Math.sqrt(DEFAULT_FEATURES.numMelBins) * Math.log(DEFAULT_FEATURES.logFloor), 3);
    expect(Math.max(...Array.from(frame.subarray(1)).map(Math.abs))).toBeLessThan(1e-3);
  });

  it('tells digital silence from a quiet room', () => {
    const extractor = new MfccExtractor(DEFAULT_FEATURES);
    const random = seededRandom(3);
    const quiet = Float32Array.from({ length: DEFAULT_FEATURES.frameLength }, () => 0.001 * (random() * 2 - 1));
    const [silent] = extractor.push(new Float32Array(DEFAULT_FEATURES.frameLength));
    extractor.reset();
    const [room] = extractor.push(quiet);
    expect(extractor.isDigitalSilence(silent)).toBe(true);
    expect(extractor.isDigitalSilence(room)).toBe(false);
  });

  it('subtracts a causal mean: the first frame is zeros, and frame t only depends on frames up to t', () => {
    const features = computeFeatures(samples);
    expect(Array.from(features.data.subarray(0, features.dim)).every((v) => v === 0)).toBe(true);
    const prefix = computeFeatures(samples.subarray(0, 160 * 99 + 512));
    expect(Array.from(prefix.data)).toEqual(Array.from(features.data.subarray(0, prefix.data.length)));
  });
});
