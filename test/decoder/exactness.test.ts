import { describe, expect, it } from 'vitest';
import { BeamSearchDecoder } from '../../src/decoder/index.js';
import { seededRandom } from '../helpers.js';
import { posteriors, VOCABULARY } from './helpers.js';

/** P(labels) by the CTC forward algorithm over frames of symbol → probability ('-' the blank). */
function ctcProbability(frames: Record<string, number>[], labels: string): number {
  const extended = ['-', ...[...labels].flatMap((c) => [c, '-'])];
  let alpha = extended.map((_, s) => (s < 2 ? (frames[0]![extended[s]!] ?? 0) : 0));
  for (const frame of frames.slice(1)) {
    alpha = extended.map((symbol, s) => {
      let sum = alpha[s]! + (s > 0 ? alpha[s - 1]! : 0);
      if (s > 1 && symbol !== '-' && symbol !== extended[s - 2]) sum += alpha[s - 2]!;
      return sum * (frame[symbol] ?? 0);
    });
  }
  return alpha[extended.length - 1]! + (extended.length > 1 ? alpha[extended.length - 2]! : 0);
}

function allStrings(alphabet: string[], maxLength: number): string[] {
  const out = [''];
  for (let i = 0; i < out.length; i++) if (out[i]!.length < maxLength) for (const c of alphabet) out.push(out[i]! + c);
  return out;
}

describe('prefix beam search without pruning', () => {
  it.each([1, 2, 3, 4, 5])('gives exact CTC label probabilities, best first (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const frames = Array.from({ length: 6 }, () => {
      const [a, b, blank] = [random(), random(), random()];
      const sum = a + b + blank;
      return { a: a / sum, b: b / sum, '-': blank / sum };
    });
    const exact = allStrings(['a', 'b'], 6)
      .map((text) => ({ text, p: ctcProbability(frames, text) }))
      .sort((x, y) => y.p - x.p)
      .slice(0, 8);
    const session = new BeamSearchDecoder({ vocabulary: VOCABULARY, beam: 1000, tokenPruneMass: 2 }).createSession();
    session.pushFrames(posteriors(frames), frames.length);
    const found = session.finish(8);
    expect(found.map((h) => h.text)).toEqual(exact.map((e) => e.text));
    for (const [i, h] of found.entries()) expect(h.score).toBeCloseTo(Math.log(exact[i]!.p), 5);
  });
});
