import { NO_WORD, UNKNOWN_WORD, type LmState, type NgramLanguageModel } from '../lm/ngram-model.js';
import { OFF_LEXICON, type Lexicon, type LexiconPosition } from './lexicon.js';

export interface FusionWeights {
  alpha: number;
  beta: number;
  unkPenalty: number;
}

export interface WordScore {
  score: number;
  state: LmState;
}

/**
 * Shallow fusion of a word n-gram LM: a completed word scores alpha · ln P_lm(word | history) + beta,
 * with P_lm(<unk> | history) for a word outside the LM's vocabulary, which also pays unkPenalty per
 * character (see `spelling`). Homophones score as the likeliest of them after the history. Without
 * an LM everything scores 0.
 */
export class WordScorer {
  private readonly unknownId: number;
  private readonly cache = new Map<LmState, Map<LexiconPosition, WordScore>>();

  /** `lexicon` must be the LM's. */
  constructor(
    private readonly lm: NgramLanguageModel | undefined,
    private readonly lexicon: Lexicon | undefined,
    private readonly weights: FusionWeights,
  ) {
    this.unknownId = lm?.wordId(UNKNOWN_WORD) ?? NO_WORD;
  }

  startState(): LmState {
    return this.lm ? this.lm.startState() : 0;
  }

  /** The lexicon position of a new word. */
  wordStart(): LexiconPosition {
    return this.lexicon ? 0 : OFF_LEXICON;
  }

  /** The lexicon position after one more character of the word. */
  next(position: LexiconPosition, token: number): LexiconPosition {
    return this.lexicon ? this.lexicon.next(position, token) : OFF_LEXICON;
  }

  /** Whether the spelling up to `position` is an LM word. */
  isWord(position: LexiconPosition): boolean {
    return this.lexicon !== undefined && this.lexicon.isWord(position);
  }

  /**
   * The spelling penalty of `characters` characters of an unknown word. Per character, not per word:
   * a flat cost would make one long unknown word cheaper than the known words it swallows.
   */
  spelling(characters: number): number {
    return this.lm ? this.weights.unkPenalty * characters : 0;
  }

  /** alpha · ln P_lm(word spelled up to `position` | state) + beta, and the state after the word. */
  word(state: LmState, position: LexiconPosition): WordScore {
    if (!this.lm) return { score: 0, state };
    let byPosition = this.cache.get(state);
    if (!byPosition) this.cache.set(state, (byPosition = new Map()));
    let scored = byPosition.get(position);
    if (!scored) byPosition.set(position, (scored = this.likeliest(this.lm, state, position)));
    return scored;
  }

  /** alpha · ln P_lm(</s> | state). */
  end(state: LmState): number {
    return this.lm ? this.weights.alpha * this.lm.endScore(state) : 0;
  }

  private likeliest(lm: NgramLanguageModel, state: LmState, position: LexiconPosition): WordScore {
    const ids = this.lexicon!.wordsAt(position);
    if (ids.length === 0) return this.score(lm, state, NO_WORD);
    return ids.map((id) => this.score(lm, state, id)).reduce((a, b) => (b.score > a.score ? b : a));
  }

  private score(lm: NgramLanguageModel, state: LmState, id: number): WordScore {
    const next = lm.score(state, id === NO_WORD ? this.unknownId : id);
    return { score: this.weights.alpha * next.logProb + this.weights.beta, state: next.state };
  }
}
