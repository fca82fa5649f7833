import { describe, expect, it } from 'vitest';
import { boostQuietRecording, BOOSTED_PEAK, MAX_BOOST, QUIET_PEAK } from '../../src/audio/level.js';

describe('boostQuietRecording', () => {
  it('scales a quiet recording so that its peak reaches BOOSTED_PEAK', () => {
    const boosted = boostQuietRecording(Float32Array.of(0.01, -0.05, 0.02));
    expect(Array.from(boosted).map((s) => s / BOOSTED_PEAK)).toEqual([0.2, -1, 0.4].map((x) => expect.closeTo(x, 6)));
  });

  it('leaves a recording that peaks at QUIET_PEAK or above, or is silent, as it is', () => {
    const normal = Float32Array.of(0.01, -QUIET_PEAK);
    expect(boostQuietRecording(normal)).toBe(normal);
    const silent = new Float32Array(4);
    expect(boostQuietRecording(silent)).toBe(silent);
  });

  it('boosts by MAX_BOOST at most', () => {
    expect(boostQuietRecording(Float32Array.of(0.0001))[0]).toBeCloseTo(0.0001 * MAX_BOOST, 8);
  });
});
