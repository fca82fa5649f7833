import { decodeBinaryLm, encodeBinaryLm, type TrieArrays } from './binary.js';
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
 * A back-off word n-gram model (ARPA semantics) stored as a trie in typed arrays over one buffer, its
 * binary form (see binary.ts): the children of a node are a sorted run of nodes found by binary
 * search, and every node links to the node of its n-gram without the first word, which is where
 * back-off continues. Over a SharedArrayBuffer, worker threads share one copy.
 */
export class NgramLanguageModel {
  readonly order: number;
  /** Hex SHA-256 of the ARPA file the model was read from, or ''. */
  readonly source: string;
  private readonly ids: Map<string, number>;
  private readonly nodeWord: Int32Array;
  private readonly logProb: Float32Array;
  private readonly backoff: Float32Array;
  private readonly suffix: Int32Array;
  private readonly childStart: Int32Array;
  private readonly unkId: number;
  private readonly endId: number;
  private readonly start: LmState;

  private constructor(
    /** The model in binary form: what lm.bin holds, and what worker threads are handed. */
    readonly binary: Uint8Array,
  ) {
    const { order, vocabulary, source, arrays } = decodeBinaryLm(binary);
    this.order = order;
    this.source = source;
    this.nodeWord = arrays.words;
    this.logProb = arrays.logProb;
    this.backoff = arrays.backoff;
    this.suffix = arrays.suffix;
    this.childStart = arrays.childStart;
    this.ids = new Map(vocabulary.map((word, id) => [word, id]));
    this.unkId = this.ids.get(UNKNOWN_WORD) ?? NO_WORD;
    this.endId = this.ids.get(SENTENCE_END) ?? NO_WORD;
    const startWord = this.ids.get(SENTENCE_START);
    this.start = startWord === undefined ? ROOT : this.child(ROOT, startWord);
  }

  /**
   * The model whose binary form `bytes` holds (lm.bin's contents, or another model's `binary`),
   * scoring from that memory. Throws BinaryLmFormatError if the bytes are not a valid model.
   */
  static fromBinary(bytes: Uint8Array): NgramLanguageModel {
    return new NgramLanguageModel(bytes);
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
      const child = this.child(node, word);
      if (child !== -1) return { logProb: logProb + this.logProb[child]!, state: this.stateAfter(child) };
      if (node === ROOT) return { logProb: OOV_LOG_PROB, state: ROOT };
      logProb += this.backoff[node]!;
    }
  }

  /** ln P(</s> | state). */
  endScore(state: LmState): number {
    return this.score(state, this.endId).logProb;
  }

  /** The child of a context node for the word, or -1. */
  private child(node: number, word: number): number {
    let low = this.childStart[node]!;
    let high = this.childStart[node + 1]! - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.nodeWord[middle]!;
      if (found === word) return middle;
      if (found < word) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** A top-order n-gram is no context: its state is its suffix's. */
  private stateAfter(node: number): LmState {
    return node < this.backoff.length ? node : this.suffix[node]!;
  }
}

/**
 * Collects n-grams, lower orders first, and freezes them into an NgramLanguageModel. While building,
 * nodes are numbered as they come and children are found through a hash table; `build` renumbers
 * them into the binary form's order.
 */
export class NgramModelBuilder {
  private readonly vocabulary = new Map<string, number>();
  private readonly children: PairTable;
  private readonly word: Int32Array;
  private readonly parent: Int32Array;
  private readonly logProb: Float32Array;
  private readonly backoff: Float32Array;
  private readonly suffix: Int32Array;
  private readonly depth: Uint8Array;
  private nodes = 1;
  private order = 1;

  /** `total` bounds the number of n-grams that will be added. */
  constructor(total: number) {
    this.children = new PairTable(total);
    this.word = new Int32Array(total + 1).fill(-1);
    this.parent = new Int32Array(total + 1);
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
    this.word[node] = last;
    this.parent[node] = parent;
    this.logProb[node] = logProb;
    this.backoff[node] = backoff;
    this.depth[node] = ngram.length;
    this.order = Math.max(this.order, ngram.length);
    this.suffix[node] = parent === ROOT ? ROOT : this.longestSuffixChild(this.suffix[parent]!, last);
  }

  /** The model; `source` is the hex SHA-256 of the file the n-grams came from, if any. */
  build(source = ''): NgramLanguageModel {
    const renumbered = this.trieOrder();
    const counts = Array.from({ length: this.order }, (_, k) => this.depth.subarray(1, this.nodes).filter((d) => d === k + 1).length);
    const arrays = this.trieArrays(renumbered, this.nodes - counts[this.order - 1]!);
    const vocabulary = [...this.vocabulary.keys()];
    return NgramLanguageModel.fromBinary(encodeBinaryLm({ order: this.order, counts, vocabulary, source, arrays }));
  }

  /**
   * New node ids: by order, then by the parent's new id, then by word, so each node's children are
   * a contiguous run sorted by word. Stable counting sorts, linear in the n-grams.
   */
  private trieOrder(): Int32Array {
    const renumbered = new Int32Array(this.nodes);
    const all = Int32Array.from({ length: this.nodes - 1 }, (_, i) => i + 1);
    const byDepth = countingSort(all, (node) => this.depth[node]!, this.order + 1);
    let next = 1;
    for (let start = 0; start < byDepth.length; ) {
      let end = start;
      while (end < byDepth.length && this.depth[byDepth[end]!] === this.depth[byDepth[start]!]) end++;
      const byWord = countingSort(byDepth.subarray(start, end), (node) => this.word[node]!, this.vocabulary.size);
      for (const node of countingSort(byWord, (node) => renumbered[this.parent[node]!]!, next)) renumbered[node] = next++;
      start = end;
    }
    return renumbered;
  }

  private trieArrays(renumbered: Int32Array, contexts: number): TrieArrays {
    const n = this.nodes;
    const arrays: TrieArrays = {
      words: new Int32Array(n).fill(-1),
      logProb: new Float32Array(n),
      backoff: new Float32Array(contexts),
      suffix: new Int32Array(n),
      childStart: new Int32Array(contexts + 1),
    };
    const childCount = new Int32Array(contexts);
    for (let old = 1; old < n; old++) {
      const node = renumbered[old]!;
      arrays.words[node] = this.word[old]!;
      arrays.logProb[node] = this.logProb[old]!;
      if (node < contexts) arrays.backoff[node] = this.backoff[old]!;
      arrays.suffix[node] = renumbered[this.suffix[old]!]!;
      childCount[renumbered[this.parent[old]!]!]!++;
    }
    arrays.childStart[0] = 1;
    for (let node = 0; node < contexts; node++) arrays.childStart[node + 1] = arrays.childStart[node]! + childCount[node]!;
    return arrays;
  }

  private newWord(word: string): number {
    if (this.vocabulary.has(word)) throw new Error(`duplicate unigram "${word}"`);
    const id = this.vocabulary.size;
    this.vocabulary.set(word, id);
    return id;
  }

  private idOf(word: string): number {
    const id = this.vocabulary.get(word);
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

/** The items ordered by an integer key in [0, range), keeping the order of equal keys. */
function countingSort(items: Int32Array, key: (item: number) => number, range: number): Int32Array {
  const starts = new Int32Array(range + 1);
  for (const item of items) starts[key(item) + 1]!++;
  for (let k = 0; k < range; k++) starts[k + 1]! += starts[k]!;
  const sorted = new Int32Array(items.length);
  for (const item of items) sorted[starts[key(item)]!++] = item;
  return sorted;
}
