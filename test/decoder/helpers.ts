import { seededRandom } from '../helpers.js';

/** The acoustic model's output symbols. */
export const VOCABULARY = ['<blank>', ' ', "'", ...'abcdefghijklmnopqrstuvwxyz'];

const FLOOR = 1e-10;

/**
 * Log-posteriors from per-frame probabilities: keys are symbols, with '-' for the blank and ' ' for
 * the space; what the listed symbols leave is spread evenly over the others (at least 1e-10 each).
 */
export function posteriors(frames: Record<string, number>[]): Float32Array {
  const out = new Float32Array(frames.length * VOCABULARY.length);
  frames.forEach((frame, f) => {
    const listed = Object.keys(frame).map(indexOf);
    const leftover = 1 - Object.values(frame).reduce((a, b) => a + b, 0);
    const others = Math.max(leftover / (VOCABULARY.length - listed.length), FLOOR);
    for (let k = 0; k < VOCABULARY.length; k++) out[f * VOCABULARY.length + k] = Math.log(others);
    for (const [symbol, p] of Object.entries(frame)) out[f * VOCABULARY.length + indexOf(symbol)] = Math.log(p);
  });
  return out;
}

/** Frames that say `text` clearly: each character with probability p, then a blank frame. */
export function spoken(text: string, p = 0.95): Record<string, number>[] {
  return [...text].flatMap((c) => [{ [c]: p }, { '-': p }]);
}

export function silence(frames: number): Record<string, number>[] {
  return Array.from({ length: frames }, () => ({ '-': 0.999 }));
}

function indexOf(symbol: string): number {
  const index = symbol === '-' ? 0 : VOCABULARY.indexOf(symbol);
  if (index < 0) throw new Error(`unknown symbol ${symbol}`);
  return index;
}

/**
 * Peaky, CTC-like posteriors for `text`: each character held 1-2 frames, blank runs of 1-4 frames
 * between them and longer pauses between some words. The intended symbol gets 0.5-0.99 of a frame, the
 * rest going to a few random rivals and a floor, so the best path makes occasional mistakes.
 */
export function noisyPosteriors(text: string, seed: number): { logprobs: Float32Array; frames: number } {
  const random = seededRandom(seed);
  const targets: number[] = [];
  const blanks = (n: number): void => {
    for (let i = 0; i < n; i++) targets.push(0);
  };
  blanks(5);
  for (const c of text) {
    const token = VOCABULARY.indexOf(c);
    for (let i = 0, n = 1 + Math.floor(random() * 2); i < n; i++) targets.push(token);
    blanks(1 + Math.floor(random() * (c === ' ' && random() < 0.2 ? 12 : 4)));
  }
  blanks(5);
  const size = VOCABULARY.length;
  const logprobs = new Float32Array(targets.length * size);
  targets.forEach((target, f) => {
    const probs = new Float64Array(size).fill(1e-6);
    const main = target === 0 ? 0.97 + 0.0299 * random() : 0.5 + 0.49 * random();
    probs[target] = main;
    let rest = 1 - main - size * 1e-6;
    for (let r = 0, rivals = 1 + Math.floor(random() * 3); r < rivals; r++) {
      const share = r === rivals - 1 ? rest : rest * random();
      probs[target === 0 || random() < 0.5 ? 1 + Math.floor(random() * (size - 1)) : 0]! += share;
      rest -= share;
    }
    for (let k = 0; k < size; k++) logprobs[f * size + k] = Math.log(probs[k]!);
  });
  return { logprobs, frames: targets.length };
}
