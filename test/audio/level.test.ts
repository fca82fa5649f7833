import { describe, expect, it } from 'vitest';
import { boostQuietAudio, BOOSTED_PEAK, MAX_BOOST, QUIET_PEAK } from '../../src/audio/level.js';

describe('boostQuietAudio', () => {
  it('scales a quiet recording so that its peak reaches BOOSTED_PEAK', () => {
    const boosted = boostQuietAudio(Float32Array.of(0.01, -0.05, 0.02));
    expect(Array.from(boosted).map((s) => s / BOOSTED_PEAK)).toEqual([0.2, -1, 0.4].map((x) => expect.closeTo(x, 6)));
  });

  it('leaves a recording that peaks at QUIET_PEAK or above, or is silent, as it is', () => {
    const normal = Float32Array.of(0.01, -QUIET_PEAK);
    expect(boostQuietAudio(normal)).toBe(normal);
    const silent = new Float32Array(4);
    expect(boostQuietAudio(silent)).toBe(silent);
  });

  it('boosts by MAX_BOOST at most', () => {
    expect(boostQuietAudio(Float32Array.of(0.0001))[0]).toBeCloseTo(0.0001 * MAX_BOOST, 8);
  });
});
