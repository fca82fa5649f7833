import type { DecodedWord, Hypothesis } from './types.js';
import type { CtcVocabulary } from './vocabulary.js';

/** What stands for speech that is no word the decoder may output, as in vosk. */
export const UNKNOWN_PHRASE = '[unk]';

/** One character of a hypothesis and where it was emitted. */
export interface EmittedChar {
  token: number;
  /** First frame of the emission. */
  start: number;
  /** Last frame of the emission, plus one. */
  end: number;
  /** Highest posterior of the character over its emission. */
  peak: number;
}

/** Splits characters into words at spaces; a word ends no later than the next character starts. */
export function hypothesisOf(chars: readonly EmittedChar[], vocabulary: CtcVocabulary, score: number): Hypothesis {
  const words: DecodedWord[] = [];
  let first = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length && chars[i]!.token !== vocabulary.space) continue;
    if (i > first) words.push(wordOf(chars, first, i, vocabulary));
    first = i + 1;
  }
  return { text: words.map((w) => w.word).join(' '), words, score };
}

function wordOf(chars: readonly EmittedChar[], first: number, stop: number, vocabulary: CtcVocabulary): DecodedWord {
  let word = '';
  let peaks = 0;
  for (let i = first; i < stop; i++) {
    word += vocabulary.tokens[chars[i]!.token];
    peaks += chars[i]!.peak;
  }
  const next = chars[stop];
  const end = next ? Math.min(chars[stop - 1]!.end, next.start) : chars[stop - 1]!.end;
  return { word, start: chars[first]!.start, end, conf: peaks / (stop - first) };
}

/** The hypothesis with its words replaced, one for one (written forms read as words), times and confidences kept. */
export function withWords(hypothesis: Hypothesis, words: readonly string[]): Hypothesis {
  return { ...hypothesis, text: words.join(' '), words: hypothesis.words.map((w, i) => ({ ...w, word: words[i]! })) };
}

/** The written forms of a hypothesis' words. */
export function writtenWords(hypothesis: Hypothesis): string[] {
  return hypothesis.words.map((w) => w.word);
}
