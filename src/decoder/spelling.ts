import type { NgramLanguageModel } from '../lm/ngram-model.js';
import { normalizeText } from '../text/normalize.js';
import { UNKNOWN_PHRASE } from './words.js';
import type { CtcVocabulary } from './vocabulary.js';

/**
 * How the acoustic model's tokens write words: a character model writes a word as its letters, a
 * phone model as its pronunciations (PronunciationSpelling). The decoder searches over written
 * forms and reads them back as words.
 */
export interface Spelling {
  /** Every written form of a normalised word; [] when the tokens cannot write it. */
  spell(word: string): readonly string[];
  /**
   * The words that a sequence of written forms stands for. Where a form has homophones, the LM (when
   * given) chooses the reading it scores best over the whole sentence.
   */
  read(written: readonly string[], lm?: NgramLanguageModel): string[];
  /** The words, normalised, that a written form may stand for. */
  homophones(written: string): readonly string[];
}

/** A character model's: a word is written as itself, when the vocabulary has all its letters. */
export class CharacterSpelling implements Spelling {
  constructor(private readonly vocabulary: CtcVocabulary) {}

  spell(word: string): readonly string[] {
    return word !== '' && [...word].every((c) => c !== ' ' && this.vocabulary.has(c)) ? [word] : [];
  }

  read(written: readonly string[]): string[] {
    return [...written];
  }

  homophones(written: string): readonly string[] {
    return [written];
  }
}

/**
 * A phone model's: words written as their pronunciations in a lexicon ("word<TAB>pronunciation"
 * lines, the pronunciation in the model's tokens; a word may have several lines). A pronunciation
 * the lexicon lacks reads as "[unk]".
 */
export class PronunciationSpelling implements Spelling {
  private readonly pronunciations = new Map<string, string[]>();
  private readonly words = new Map<string, string[]>();

  constructor(lexicon: string) {
    for (let start = 0; start < lexicon.length; ) {
      const newline = lexicon.indexOf('\n', start);
      const end = newline < 0 ? lexicon.length : newline;
      const tab = lexicon.indexOf('\t', start);
      if (tab > start && tab < end - 1) {
        const word = lexicon.slice(start, tab);
        const pronunciation = lexicon.slice(tab + 1, end);
        append(this.pronunciations, word, pronunciation);
        append(this.words, pronunciation, word);
      }
      start = end + 1;
    }
  }

  get size(): number {
    return this.pronunciations.size;
  }

  spell(word: string): readonly string[] {
    return this.pronunciations.get(word) ?? [];
  }

  homophones(written: string): readonly string[] {
    return this.words.get(written) ?? [];
  }

  read(written: readonly string[], lm?: NgramLanguageModel): string[] {
    const readings = written.map((form) => this.homophones(form));
    return lm ? likeliestReading(readings, lm) : readings.map((words) => words[0] ?? UNKNOWN_PHRASE);
  }
}

/**
 * Of every way to read the homophones, the words the LM scores best, sentence end included: Viterbi
 * over LM states, so "for two one" reads "four two one" once the later words are heard.
 */
function likeliestReading(readings: readonly (readonly string[])[], lm: NgramLanguageModel): string[] {
  interface Path {
    logProb: number;
    words: string[];
  }
  let paths = new Map<number, Path>([[lm.startState(), { logProb: 0, words: [] }]]);
  for (const words of readings) {
    const next = new Map<number, Path>();
    for (const [state, path] of paths) {
      for (const word of words.length > 0 ? words : [UNKNOWN_PHRASE]) {
        const scored = words.length > 0 ? lm.score(state, lm.wordId(word)) : { logProb: 0, state: lm.nullState() };
        const logProb = path.logProb + scored.logProb;
        if (!(logProb <= (next.get(scored.state)?.logProb ?? -Infinity))) next.set(scored.state, { logProb, words: [...path.words, word] });
      }
    }
    paths = next;
  }
  let best: Path | undefined;
  for (const [state, path] of paths) {
    const logProb = path.logProb + lm.endScore(state);
    if (!best || logProb > best.logProb) best = { logProb, words: path.words };
  }
  return best!.words;
}

/** A phrase's words, normalised. */
export function phraseWords(phrase: string): string[] {
  return normalizeText(phrase).split(' ').filter((w) => w !== '');
}

/** The (normalised) words that the spelling cannot write, each once. */
export function unwritableWords(words: Iterable<string>, spelling: Spelling): string[] {
  return [...new Set(words)].filter((word) => spelling.spell(word).length === 0);
}

/** A phrase's words, normalised, each with its written forms; throws UnknownWordError for a word the spelling lacks. */
export function spellPhrase(phrase: string, spelling: Spelling): { words: string[]; forms: (readonly string[])[] } {
  const words = phraseWords(phrase);
  const missing = unwritableWords(words, spelling);
  if (missing.length > 0) throw new UnknownWordError(missing);
  return { words, forms: words.map((word) => spelling.spell(word)) };
}

/** A phrase (hot word, grammar) has words the model's lexicon cannot write, so it could never be recognised. */
export class UnknownWordError extends RangeError {
  override readonly name = 'UnknownWordError';

  constructor(readonly words: readonly string[]) {
    super(`not in the model's lexicon: ${words.map((w) => JSON.stringify(w)).join(', ')}`);
  }
}

function append(map: Map<string, string[]>, key: string, value: string): void {
  const values = map.get(key);
  if (!values) map.set(key, [value]);
  else if (!values.includes(value)) values.push(value);
}
