import { normalizeText } from '../text/normalize.js';

export interface VocabularyOptions {
  /** Output symbols by index, as in the model's metadata: single characters, one of them " ". */
  vocabulary: string[];
  /** Index of the CTC blank (default 0). */
  blank?: number;
}

/** The acoustic model's output symbols: the blank, the word separator and characters. */
export class CtcVocabulary {
  readonly tokens: readonly string[];
  readonly size: number;
  readonly blank: number;
  readonly space: number;
  private readonly indexOf: Map<string, number>;

  constructor({ vocabulary, blank = 0 }: VocabularyOptions) {
    if (!(blank >= 0 && blank < vocabulary.length)) throw new RangeError(`blank index ${blank} is outside the vocabulary`);
    this.tokens = vocabulary;
    this.size = vocabulary.length;
    this.blank = blank;
    this.indexOf = new Map(vocabulary.map((token, i) => [token, i]).filter(([, i]) => i !== blank) as [string, number][]);
    const space = this.indexOf.get(' ');
    if (space === undefined) throw new RangeError('the vocabulary has no " " token');
    this.space = space;
  }

  /** The phrase in the model's alphabet: normalised text, characters the vocabulary lacks dropped. */
  normalize(phrase: string): string {
    const kept = [...normalizeText(phrase)].filter((c) => this.indexOf.has(c)).join('');
    return kept.replace(/ +/g, ' ').trim();
  }

  has(char: string): boolean {
    return this.indexOf.has(char);
  }

  /** Token indices of an already normalised phrase. */
  encode(phrase: string): number[] {
    return [...phrase].map((c) => this.indexOf.get(c)!);
  }

  /** Checks that a push of `frames` frames fits in `logprobs`. */
  checkFrames(logprobs: Float32Array, frames: number): void {
    if (!Number.isInteger(frames) || frames < 0 || logprobs.length < frames * this.size) {
      throw new RangeError(`${frames} frames of ${this.size} need ${frames * this.size} values, got ${logprobs.length}`);
    }
  }
}
