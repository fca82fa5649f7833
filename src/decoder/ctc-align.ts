import type { EmittedChar } from './words.js';

export interface Alignment {
  /** ln P of the most probable CTC path that spells the tokens; -Infinity when the frames are too few. */
  logProb: number;
  /** Where each token is emitted on that path; empty when `withPath` was false or there is no path. */
  chars: EmittedChar[];
}

/**
 * The most probable CTC alignment (Viterbi) of `tokens` to row-major [frames x size] natural-log
 * posteriors. A single path, like BestPath's, so the two scores compare: the best path's is the
 * upper bound of every alignment's.
 */
export function alignTokens(
  logprobs: Float32Array,
  frames: number,
  size: number,
  blank: number,
  tokens: readonly number[],
  withPath = true,
): Alignment {
  const states = 2 * tokens.length + 1;
  if (frames === 0) return { logProb: tokens.length === 0 ? 0 : -Infinity, chars: [] };
  // Extended labels: blank, token 1, blank, token 2, ..., blank.
  const labels = Int32Array.from({ length: states }, (_, s) => (s % 2 === 0 ? blank : tokens[(s - 1) >> 1]!));
  const back = withPath ? new Uint8Array(frames * states) : null;
  let previous = new Float64Array(states).fill(-Infinity);
  let current = new Float64Array(states);
  previous[0] = logprobs[blank]!;
  if (states > 1) previous[1] = logprobs[labels[1]!]!;
  for (let t = 1; t < frames; t++) {
    const offset = t * size;
    for (let s = 0; s < states; s++) {
      let best = previous[s]!;
      let step = 0;
      if (s > 0 && previous[s - 1]! > best) {
        best = previous[s - 1]!;
        step = 1;
      }
      // A token may follow the token before it directly, skipping the blank, unless they are the same.
      if (s > 1 && labels[s] !== blank && labels[s] !== labels[s - 2] && previous[s - 2]! > best) {
        best = previous[s - 2]!;
        step = 2;
      }
      current[s] = best + logprobs[offset + labels[s]!]!;
      if (back) back[t * states + s] = step;
    }
    [previous, current] = [current, previous];
  }
  const end = states > 1 && previous[states - 2]! > previous[states - 1]! ? states - 2 : states - 1;
  const logProb = previous[end]!;
  if (!back || logProb === -Infinity) return { logProb, chars: [] };
  return { logProb, chars: emissions(back, end, frames, states, labels, logprobs, size) };
}

/** Walks the back-pointers from the last frame and gathers each token's frames and peak posterior. */
function emissions(
  back: Uint8Array,
  end: number,
  frames: number,
  states: number,
  labels: Int32Array,
  logprobs: Float32Array,
  size: number,
): EmittedChar[] {
  const chars: EmittedChar[] = Array.from({ length: (states - 1) / 2 }, (_, i) => ({ token: labels[2 * i + 1]!, start: frames, end: 0, peak: 0 }));
  let s = end;
  for (let t = frames - 1; t >= 0; t--) {
    if (s % 2 === 1) {
      const char = chars[(s - 1) >> 1]!;
      char.start = t;
      char.end = Math.max(char.end, t + 1);
      char.peak = Math.max(char.peak, Math.exp(logprobs[t * size + labels[s]!]!));
    }
    s -= back[t * states + s]!;
  }
  return chars;
}
