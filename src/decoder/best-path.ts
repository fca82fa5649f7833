import { UNKNOWN_PHRASE } from './words.js';
import type { Hypothesis } from './types.js';
import type { CtcVocabulary } from './vocabulary.js';
import { hypothesisOf, type EmittedChar } from './words.js';

/** Greedy (best path) decoding, frame by frame: the most probable symbol per frame, repeats collapsed, blanks dropped. */
export class BestPath {
  /** ln P of the best path: the sum of each frame's highest log-probability. */
  logProb = 0;
  private chars: EmittedChar[] = [];
  private previous: number;
  private frames = 0;

  constructor(private readonly vocabulary: CtcVocabulary) {
    this.previous = vocabulary.blank;
  }

  push(logprobs: Float32Array, frames: number): void {
    const size = this.vocabulary.size;
    for (let f = 0; f < frames; f++) {
      const offset = f * size;
      let best = 0;
      for (let k = 1; k < size; k++) if (logprobs[offset + k]! > logprobs[offset + best]!) best = k;
      this.emit(best, logprobs[offset + best]!);
    }
  }

  /** A copy that further pushes leave this one untouched. */
  clone(): BestPath {
    const copy = new BestPath(this.vocabulary);
    copy.logProb = this.logProb;
    copy.chars = this.chars.map((c, i) => (i === this.chars.length - 1 ? { ...c } : c));
    copy.previous = this.previous;
    copy.frames = this.frames;
    return copy;
  }

  get characters(): readonly EmittedChar[] {
    return this.chars;
  }

  hypothesis(): Hypothesis {
    return hypothesisOf(this.chars, this.vocabulary, this.logProb);
  }

  /** Model frames from the first emission to the end of the last; 0 when nothing was emitted. */
  speechFrames(): number {
    const chars = this.chars;
    return chars.length === 0 ? 0 : chars[chars.length - 1]!.end - chars[0]!.start;
  }

  /** Nothing said: "" with the best path's score. */
  nothingSaid(): Hypothesis {
    return { text: '', words: [], score: this.logProb };
  }

  /** "[unk]" over the best path's speech, with its characters' mean peak as confidence. */
  unknown(): Hypothesis {
    const chars = this.chars;
    const conf = chars.reduce((sum, c) => sum + c.peak, 0) / chars.length;
    const word = { word: UNKNOWN_PHRASE, start: chars[0]!.start, end: chars[chars.length - 1]!.end, conf };
    return { text: UNKNOWN_PHRASE, words: [word], score: this.logProb };
  }

  private emit(token: number, logProb: number): void {
    const t = this.frames++;
    this.logProb += logProb;
    const last = this.chars[this.chars.length - 1];
    if (token === this.previous && last && token !== this.vocabulary.blank) {
      last.end = t + 1;
      last.peak = Math.max(last.peak, Math.exp(logProb));
    } else if (token !== this.vocabulary.blank) {
      this.chars.push({ token, start: t, end: t + 1, peak: Math.exp(logProb) });
    }
    this.previous = token;
  }
}
