import { describe, expect, it } from 'vitest';
import { resample, StreamingResampler } from '../../src/audio/resample.js';
import { concatArrays } from '../../src/audio/concat.js';
import { seededRandom } from '../helpers.js';
import {
  decibels,
  maxAbsDifference,
  randomSplits,
  residualDb,
  rmsAmplitude,
  tone,
  toneAmplitude,
} from './helpers.js';

const OUT = 16000;

describe('resample quality', () => {
  const passBand: Array<[number, number[]]> = [
    [44100, [100, 1000, 3000, 5000, 6500, 7000]],
    [48000, [100, 1000, 3000, 5000, 6500, 7000]],
    [22050, [100, 1000, 3000, 5000, 6500, 7000]],
    [11025, [100, 1000, 3000, 4500]],
    [8000, [100, 1000, 2000, 3000, 3400]],
    [44101, [100, 1000, 7000]],
  ];

  for (const [fromRate, frequencies] of passBand) {
    it(`keeps pass-band tones' frequency and amplitude, ${fromRate} → ${OUT}`, () => {
      for (const frequency of frequencies) {
        const output = resample(tone(frequency, fromRate, 1, 0.5), fromRate, OUT);
        const gainDb = decibels(toneAmplitude(output, frequency, OUT) / 0.5);
        expect(Math.abs(gainDb), `${frequency} Hz gain ${gainDb} dB`).toBeLessThan(0.5);
        // The output is that one tone: nothing aliased, nothing added.
        expect(residualDb(output, frequency, OUT), `${frequency} Hz residual`).toBeLessThan(-70);
      }
    });
  }

  for (const fromRate of [44100, 48000]) {
    it(`attenuates tones above 8 kHz by at least 70 dB, ${fromRate} → ${OUT}`, () => {
      for (const frequency of [8200, 9000, 12000, 15000, 20000]) {
        const output = resample(tone(frequency, fromRate, 1), fromRate, OUT);
        const attenuationDb = -decibels(rmsAmplitude(output));
        expect(attenuationDb, `${frequency} Hz`).toBeGreaterThan(70);
      }
    });
  }

  it('adds no delay: output lines up with the same tone generated at 16 kHz', () => {
    for (const fromRate of [44100, 48000, 8000, 22050]) {
      const output = resample(tone(1000, fromRate, 0.5), fromRate, OUT);
      const expected = tone(1000, OUT, 0.5);
      expect(maxAbsDifference(output.subarray(400, -400), expected.subarray(400, -400)), `${fromRate}`).toBeLessThan(1e-3);
    }
  });

  it('keeps a constant signal exactly constant away from the edges', () => {
    const output = resample(new Float32Array(44100).fill(0.5), 44100, OUT);
    expect(maxAbsDifference(output.subarray(400, -400), new Float32Array(output.length - 800).fill(0.5))).toBeLessThan(1e-6);
  });

  it('returns ⌈n · to / from⌉ samples', () => {
    expect(resample(new Float32Array(44100), 44100, OUT)).toHaveLength(16000);
    expect(resample(new Float32Array(1000), 44100, OUT)).toHaveLength(363);
    expect(resample(new Float32Array(1), 48000, OUT)).toHaveLength(1);
    expect(resample(new Float32Array(3), 8000, OUT)).toHaveLength(6);
    expect(resample(new Float32Array(0), 22050, OUT)).toHaveLength(0);
  });

  it('copies the input unchanged when the rates match', () => {
    const input = tone(440, OUT, 0.1);
    const output = resample(input, OUT, OUT);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it('rejects rates that are not positive integers', () => {
    expect(() => new StreamingResampler(0, OUT)).toThrow(RangeError);
    expect(() => new StreamingResampler(44100, -1)).toThrow(RangeError);
    expect(() => new StreamingResampler(44100.5, OUT)).toThrow(RangeError);
    expect(() => new StreamingResampler(Number.NaN, OUT)).toThrow(RangeError);
  });
});

describe('StreamingResampler', () => {
  const ratePairs: Array<[number, number]> = [
    [44100, OUT],
    [48000, OUT],
    [8000, OUT],
    [22050, OUT],
    [44101, OUT],
    [OUT, OUT],
    [16000, 44100],
  ];

  for (const [fromRate, toRate] of ratePairs) {
    it(`gives the whole-signal output for any chunking, ${fromRate} → ${toRate}`, () => {
      const random = seededRandom(fromRate + toRate);
      const input = Float32Array.from({ length: 5000 }, () => random() * 2 - 1);
      const whole = resample(input, fromRate, toRate);
      const resampler = new StreamingResampler(fromRate, toRate);
      for (let trial = 0; trial < 5; trial++) {
        const maxChunk = [1, 7, 100, 1000, 6000][trial]!;
        const parts = randomSplits(input.length, random, maxChunk).map(([start, end]) => resampler.push(input.subarray(start, end)));
        parts.push(resampler.flush());
        expect(concatArrays(Float32Array, parts), `chunks up to ${maxChunk}`).toEqual(whole);
      }
    });
  }

  it('emits output as input arrives rather than all at flush', () => {
    const resampler = new StreamingResampler(44100, OUT);
    const emitted = resampler.push(tone(440, 44100, 1)).length;
    expect(emitted).toBeGreaterThan(16000 - 100);
    expect(emitted + resampler.flush().length).toBe(16000);
    expect(resampler.flush()).toHaveLength(0);
  });
});
