import { PairTable } from './pair-table.js';

export const SENTENCE_START = '<s>';
export const SENTENCE_END = '</s>';
export const UNKNOWN_WORD = '<unk>';

/** Natural-log probability of a word the model cannot score: one without `<unk>` in its vocabulary (log10 -10). */
export const OOV_LOG_PROB = -10 * Math.LN10;

/** Word id returned by `wordId` for a word outside a vocabulary that has no `<unk>`. */
export const NO_WORD = -1;

/**
 * What the model remembers of a history: the longest suffix of it that is an n-gram of the model
 * (shorter than the model's order), as a node index. Equal histories give equal states, so a decoder
 * can carry one number per hypothesis and cache scores by (state, word).
 */
export type LmState = number;

export interface LmScore {
  /** Natural log of P(word | history). */
  logProb: number;
  state: LmState;
}

const ROOT = 0;

/**
 * A back-off word n-gram model (ARPA semantics) stored as a trie of n-gram nodes: node ids index
 * typed arrays, children are found through one hash table keyed by (node, word id), and every node
 * links to the node of its n-gram without the first word, which is where back-off continues.
 */
export class NgramLanguageModel {
  readonly order: number;
  private readonly unkId: number;
  private readonly endId: number;
  private readonly start: LmState;

  /** @internal Use parseArpa or loadArpa. */
  constructor(
    order: number,
    private readonly ids: Map<string, number>,
    private readonly children: PairTable,
    private readonly logProb: Float32Array,
    private readonly backoff: Float32Array,
    private readonly suffix: Int32Array,
    private readonly depth: Uint8Array,
  ) {
    this.order = order;
    this.unkId = ids.get(UNKNOWN_WORD) ?? NO_WORD;
    this.endId = ids.get(SENTENCE_END) ?? NO_WORD;
    const startWord = ids.get(SENTENCE_START);
    this.start = startWord === undefined ? ROOT : children.get(ROOT, startWord);
  }

  get vocabularySize(): number {
    return this.ids.size;
  }

  /** Whether the word is in the vocabulary (`<unk>` itself does not count). */
  has(word: string): boolean {
    return word !== UNKNOWN_WORD && this.ids.has(word);
  }

  /** The vocabulary with word ids, <s>, </s> and <unk> included. */
  words(): IterableIterator<[string, number]> {
    return this.ids.entries();
  }

  /** The word's id: its own, `<unk>`'s when it is out of vocabulary, or NO_WORD when there is no `<unk>`. */
  wordId(word: string): number {
    return this.ids.get(word) ?? this.unkId;
  }

  /** The state after `<s>`, where a sentence starts. */
  startState(): LmState {
    return this.start;
  }

  /** The state that remembers nothing (unigram context). */
  nullState(): LmState {
    return ROOT;
  }

  /** ln P(word | state) with back-off, and the state after the word. NO_WORD scores OOV_LOG_PROB and forgets the history. */
  score(state: LmState, word: number): LmScore {
    if (word === NO_WORD) return { logProb: OOV_LOG_PROB, state: ROOT };
    let logProb = 0;
    for (let node = state; ; node = this.suffix[node]!) {
      const child = this.children.get(node, word);
      if (child !== -1) return { logProb: logProb + this.logProb[child]!, state: this.stateAfter(child) };
      if (node === ROOT) return { logProb: OOV_LOG_PROB, state: ROOT };
      logProb += this.backoff[node]!;
    }
  }

  /** ln P(</s> | state). */
  endScore(state: LmState): number {
    return this.score(state, this.endId).logProb;
  }

  private stateAfter(node: number): LmState {
    return this.depth[node]! < this.order ? node : this.suffix[node]!;
  }
}

/** Collects n-grams, lower orders first, and freezes them into an NgramLanguageModel. */
export class NgramModelBuilder {
  private readonly words = new Map<string, number>();
  private readonly children: PairTable;
  private readonly logProb: Float32Array;
  private readonly backoff: Float32Array;
  private readonly suffix: Int32Array;
  private readonly depth: Uint8Array;
  private nodes = 1;
  private order = 1;

  /** `total` bounds the number of n-grams that will be added. */
  constructor(total: number) {
    this.children = new PairTable(total);
    this.logProb = new Float32Array(total + 1);
    this.backoff = new Float32Array(total + 1);
    this.suffix = new Int32Array(total + 1);
    this.depth = new Uint8Array(total + 1);
  }

  /**
   * Adds an n-gram with its natural-log probability and back-off weight. Every word must already be
   * a unigram and the n-gram without its last word must already be there; the error says which is not.
   */
  add(ngram: string[], logProb: number, backoff: number): void {
    if (this.nodes === this.logProb.length) throw new Error('more n-grams than announced');
    const last = ngram.length === 1 ? this.newWord(ngram[0]!) : this.idOf(ngram[ngram.length - 1]!);
    const parent = this.nodeOf(ngram.slice(0, -1));
    const node = this.nodes++;
    if (!this.children.add(parent, last, node)) throw new Error(`duplicate n-gram "${ngram.join(' ')}"`);
    this.logProb[node] = logProb;
    this.backoff[node] = backoff;
    this.depth[node] = ngram.length;
    this.order = Math.max(this.order, ngram.length);
    this.suffix[node] = parent === ROOT ? ROOT : this.longestSuffixChild(this.suffix[parent]!, last);
  }

  build(): NgramLanguageModel {
    const n = this.nodes;
    return new NgramLanguageModel(
      this.order,
      this.words,
      this.children,
      this.logProb.subarray(0, n),
      this.backoff.subarray(0, n),
      this.suffix.subarray(0, n),
      this.depth.subarray(0, n),
    );
  }

  private newWord(word: string): number {
    if (this.words.has(word)) throw new Error(`duplicate unigram "${word}"`);
    const id = this.words.size;
    this.words.set(word, id);
    return id;
  }

  private idOf(word: string): number {
    const id = this.words.get(word);
    if (id === undefined) throw new Error(`word "${word}" is not a unigram`);
    return id;
  }

  private nodeOf(ngram: string[]): number {
    let node = ROOT;
    for (const word of ngram) {
      node = this.children.get(node, this.idOf(word));
      if (node === -1) throw new Error(`context "${ngram.join(' ')}" is not an n-gram`);
    }
    return node;
  }

  /** The node of the longest n-gram that is `word` after a suffix of `node`'s n-gram. */
  private longestSuffixChild(node: number, word: number): number {
    for (; ; node = this.suffix[node]!) {
      const child = this.children.get(node, word);
      if (child !== -1 || node === ROOT) return child === -1 ? ROOT : child;
    }
  }
}
