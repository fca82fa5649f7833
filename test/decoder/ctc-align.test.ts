import { describe, expect, it } from 'vitest';
import { alignTokens } from '../../src/decoder/ctc-align.js';
import { seededRandom } from '../helpers.js';
import { posteriors, VOCABULARY } from './helpers.js';

const SIZE = VOCABULARY.length;
const A = VOCABULARY.indexOf('a');
const B = VOCABULARY.indexOf('b');

/** ln P of the best path that collapses to `tokens`, by trying every path over a 3-symbol alphabet (blank, 1, 2). */
function bruteForceBest(logprobs: Float32Array, frames: number, tokens: number[]): number {
  let best = -Infinity;
  for (let code = 0; code < 3 ** frames; code++) {
    const path = Array.from({ length: frames }, (_, t) => Math.floor(code / 3 ** t) % 3);
    const collapsed = path.filter((s, t) => s !== 0 && s !== path[t - 1]);
    if (collapsed.join() !== tokens.join()) continue;
    best = Math.max(best, path.reduce((sum, s, t) => sum + logprobs[t * 3 + s]!, 0));
  }
  return best;
}

describe('alignTokens', () => {
  it('scores and places each token on the best path', () => {
    const lp = posteriors([{ a: 0.9 }, { a: 0.6 }, { '-': 0.9 }, { b: 0.8 }]);
    const { logProb, chars } = alignTokens(lp, 4, SIZE, 0, [A, B]);
    expect(logProb).toBeCloseTo(Math.log(0.9 * 0.6 * 0.9 * 0.8), 5);
    expect(chars).toEqual([
      { token: A, start: 0, end: 2, peak: expect.closeTo(0.9, 5) },
      { token: B, start: 3, end: 4, peak: expect.closeTo(0.8, 5) },
    ]);
  });

  it('needs a blank between repeated tokens', () => {
    expect(alignTokens(posteriors([{ a: 0.9 }, { a: 0.9 }]), 2, SIZE, 0, [A, A]).logProb).toBe(-Infinity);
    expect(alignTokens(posteriors([{ a: 0.9 }, { '-': 0.9 }, { a: 0.9 }]), 3, SIZE, 0, [A, A]).logProb).toBeCloseTo(3 * Math.log(0.9), 5);
  });

  it('scores no tokens as all blanks, and nothing without frames', () => {
    expect(alignTokens(posteriors([{ '-': 0.5 }, { '-': 0.25 }]), 2, SIZE, 0, []).logProb).toBeCloseTo(Math.log(0.125), 5);
    expect(alignTokens(new Float32Array(0), 0, SIZE, 0, [A]).logProb).toBe(-Infinity);
  });

  it('matches the best of every path on random posteriors', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 20; trial++) {
      const frames = 3 + (trial % 4);
      const lp = new Float32Array(frames * 3);
      for (let t = 0; t < frames; t++) {
        const p = [random(), random(), random()];
        const sum = p[0]! + p[1]! + p[2]!;
        p.forEach((v, k) => (lp[t * 3 + k] = Math.log(v / sum)));
      }
      for (const tokens of [[1], [1, 2], [2, 2], [1, 2, 1]]) {
        const expected = bruteForceBest(lp, frames, tokens);
        const { logProb } = alignTokens(lp, frames, 3, 0, tokens, false);
        if (expected === -Infinity) expect(logProb).toBe(-Infinity);
        else expect(logProb).toBeCloseTo(expected, 5);
      }
    }
  });
});
