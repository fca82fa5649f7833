import type { LmState, NgramLanguageModel } from '../lm/index.js';

export interface FusionWeights {
  alpha: number;
  beta: number;
  unkPenalty: number;
}

export interface WordScore {
  /** alpha · ln P_lm(word | history) + beta, plus unkPenalty for a word the LM does not know. */
  score: number;
  state: LmState;
}

/** Shallow fusion of a word n-gram LM, with a cache by (state, word). Without an LM every word scores 0. */
export class WordScorer {
  private readonly cache = new Map<LmState, Map<string, WordScore>>();

  constructor(private readonly lm: NgramLanguageModel | undefined, private readonly weights: FusionWeights) {}

  startState(): LmState {
    return this.lm ? this.lm.startState() : 0;
  }

  word(state: LmState, word: string): WordScore {
    if (!this.lm) return { score: 0, state };
    let byWord = this.cache.get(state);
    if (!byWord) this.cache.set(state, (byWord = new Map()));
    let scored = byWord.get(word);
    if (!scored) byWord.set(word, (scored = this.score(this.lm, state, word)));
    return scored;
  }

  /** alpha · ln P_lm(</s> | state). */
  end(state: LmState): number {
    return this.lm ? this.weights.alpha * this.lm.endScore(state) : 0;
  }

  private score(lm: NgramLanguageModel, state: LmState, word: string): WordScore {
    const { alpha, beta, unkPenalty } = this.weights;
    const next = lm.score(state, lm.wordId(word));
    return { score: alpha * next.logProb + beta + (lm.has(word) ? 0 : unkPenalty), state: next.state };
  }
}
