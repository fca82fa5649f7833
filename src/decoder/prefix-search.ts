import type { LmState } from '../lm/index.js';
import type { GrammarNode } from './grammar.js';
import { nextHotword, type HotwordNode } from './hotwords.js';
import { OFF_LEXICON, type LexiconPosition } from './lexicon.js';
import { logAddExp } from './log-math.js';
import type { CtcVocabulary } from './vocabulary.js';
import type { WordScore, WordScorer } from './word-scorer.js';
import type { EmittedChar } from './words.js';

/**
 * A character sequence, as a node linked to its parent: extending a prefix is one allocation.
 * Nodes never change; the same sequence may have several nodes (see `key`).
 */
export class PrefixNode {
  constructor(
    readonly parent: PrefixNode | null,
    /** The last symbol; the root holds the space, so a leading space adds nothing. */
    readonly token: number,
    /** Hash of the whole sequence: prefixes are the same when their keys are. */
    readonly key: number,
    /** LM state after the last completed word. */
    readonly lmState: LmState,
    /** The word in progress in the LM's lexicon. */
    readonly lexicon: LexiconPosition,
    /** Characters of the word in progress. */
    readonly wordLength: number,
    /** Fusion score so far: LM and word bonus of completed words, spelling penalties, hot-word boosts. */
    readonly score: number,
    /** Provisional hot-word bonus of the word in progress. */
    readonly partial: number,
    /** Where the text stands in the hot phrases; within a word, null once the word is no hot word's prefix. */
    readonly hotword: HotwordNode | null,
    readonly grammar: GrammarNode | null,
    /** How the parent's last symbol was emitted, on the path this node was made from. */
    readonly parentStart: number,
    readonly parentEnd: number,
    readonly parentPeak: number,
  ) {}
}

/** A prefix in the beam with its CTC probabilities, ending in a blank or in its last symbol. */
export class BeamEntry {
  blank = -Infinity;
  nonBlank = -Infinity;
  /** Ranking score: ln(P_blank + P_nonBlank) plus the node's fusion score and partial bonus. */
  total = -Infinity;
  /** Contributions to nonBlank this frame: continuing the last symbol, and emitting it anew from `source`. */
  stay = -Infinity;
  fresh = -Infinity;
  /** The entry that gave the largest `fresh` contribution, and that contribution. */
  source: BeamEntry | null = null;
  sourceLogProb = -Infinity;

  constructor(
    public node: PrefixNode,
    /** The last symbol's emission on the prefix's most probable recent path. */
    public start: number,
    public end: number,
    public peak: number,
    /** Whether the prefix was in the beam on the previous frame. */
    readonly carried: boolean,
  ) {}
}

export interface PrefixSearchSettings {
  vocabulary: CtcVocabulary;
  beam: number;
  tokenPruneLogProb: number;
  tokenPruneMass: number;
  scorer: WordScorer;
  hotwords: HotwordNode | null;
  grammar: GrammarNode | null;
  /** An upper bound on what one character can add to a score (word bonus, hot-word boost). */
  maxGain: number;
}

const ROOT_KEY = 0x5bd1e995;

/**
 * CTC prefix beam search (Hannun et al. 2014) with word-level shallow fusion, frame by frame.
 * Each step maps a beam to a new one and leaves the old one intact, so provisional frames can be
 * decoded on the side.
 */
export class PrefixSearch {
  private readonly tokens: Int32Array;
  private readonly byKey = new Map<number, BeamEntry>();

  constructor(private readonly settings: PrefixSearchSettings) {
    this.tokens = new Int32Array(settings.vocabulary.size);
  }

  initialBeam(): BeamEntry[] {
    const { vocabulary, scorer, hotwords, grammar } = this.settings;
    const root = new PrefixNode(null, vocabulary.space, ROOT_KEY, scorer.startState(), scorer.wordStart(), 0, 0, 0, hotwords, grammar, -1, -1, 0);
    const entry = new BeamEntry(root, -1, -1, 0, true);
    entry.blank = 0;
    entry.total = 0;
    return [entry];
  }

  /** The beam after frame `t`, whose log-probabilities start at `offset` in `logprobs`. */
  step(beam: readonly BeamEntry[], logprobs: Float32Array, offset: number, t: number): BeamEntry[] {
    const count = this.candidateTokens(logprobs, offset);
    const next = beam.map((entry) => this.carry(entry, logprobs, offset));
    if (count > 0) this.extend(beam, next, logprobs, offset, count);
    for (const entry of next) this.settle(entry, logprobs[offset + entry.node.token]!, t);
    return count > 0 ? this.prune(next) : next;
  }

  /** The characters of an entry's prefix with their emission frames and peaks. */
  charactersOf(entry: BeamEntry): EmittedChar[] {
    const chars: EmittedChar[] = [];
    if (entry.node.parent) chars.push({ token: entry.node.token, start: entry.start, end: entry.end, peak: entry.peak });
    for (let node = entry.node; node.parent?.parent; node = node.parent) {
      chars.push({ token: node.parent.token, start: node.parentStart, end: node.parentEnd, peak: node.parentPeak });
    }
    return chars.reverse();
  }

  /**
   * Fills `tokens` with the characters worth trying this frame, most probable first, and returns
   * their count: 0 when the blank alone holds tokenPruneMass, the common case between characters.
   */
  private candidateTokens(logprobs: Float32Array, offset: number): number {
    const { vocabulary, tokenPruneLogProb, tokenPruneMass } = this.settings;
    let mass = Math.exp(logprobs[offset + vocabulary.blank]!);
    if (mass >= tokenPruneMass) return 0;
    let count = 0;
    for (let k = 0; k < vocabulary.size; k++) {
      if (k === vocabulary.blank || logprobs[offset + k]! < tokenPruneLogProb) continue;
      let i = count++;
      for (; i > 0 && logprobs[offset + this.tokens[i - 1]!]! < logprobs[offset + k]!; i--) this.tokens[i] = this.tokens[i - 1]!;
      this.tokens[i] = k;
    }
    for (let i = 0; i < count; i++) {
      mass += Math.exp(logprobs[offset + this.tokens[i]!]!);
      if (mass >= tokenPruneMass) return i + 1;
    }
    return count;
  }

  /** The entry one frame on without new characters: a blank, or its last symbol again. */
  private carry(entry: BeamEntry, logprobs: Float32Array, offset: number): BeamEntry {
    const next = new BeamEntry(entry.node, entry.start, entry.end, entry.peak, true);
    next.blank = logAddExp(entry.blank, entry.nonBlank) + logprobs[offset + this.settings.vocabulary.blank]!;
    next.stay = entry.nonBlank + logprobs[offset + entry.node.token]!;
    return next;
  }

  /**
   * Adds every entry's prefix extended by each candidate character, merging equal prefixes. A new
   * prefix that cannot beat the weakest carried one, even with the most a character can add, would
   * not survive pruning and is not made.
   */
  private extend(beam: readonly BeamEntry[], next: BeamEntry[], logprobs: Float32Array, offset: number, count: number): void {
    const { space } = this.settings.vocabulary;
    this.byKey.clear();
    for (const entry of next) this.byKey.set(entry.node.key, entry);
    const floor = this.weakestCarried(next) - this.settings.maxGain;
    for (const [i, entry] of beam.entries()) {
      const last = entry.node.token;
      const either = logAddExp(entry.blank, entry.nonBlank);
      for (let c = 0; c < count; c++) {
        const token = this.tokens[c]!;
        const logProb = logprobs[offset + token]!;
        if (token === space && last === space) {
          // A second space joins the first: the same prefix, emitted anew after a blank.
          addFresh(next[i]!, entry.blank + logProb, entry);
          continue;
        }
        if (this.settings.grammar && !entry.node.grammar?.child(token)) continue;
        // Repeating the last symbol only makes a new character after a blank.
        const contribution = (token === last ? entry.blank : either) + logProb;
        const key = childKey(entry.node.key, token);
        let target = this.byKey.get(key);
        if (!target) {
          if (contribution + entry.node.score < floor) continue;
          target = new BeamEntry(this.child(entry, token), -1, -1, 0, false);
          this.byKey.set(key, target);
          next.push(target);
        }
        addFresh(target, contribution, entry);
      }
    }
  }

  /** A lower bound on the total of the weakest carried entry when they fill the beam, else -Infinity. */
  private weakestCarried(carried: readonly BeamEntry[]): number {
    if (carried.length < this.settings.beam) return -Infinity;
    let weakest = Infinity;
    for (const entry of carried) weakest = Math.min(weakest, logAddExp(entry.blank, entry.stay) + entry.node.score + entry.node.partial);
    return weakest;
  }

  /** Totals an entry and updates where its last symbol was emitted. */
  private settle(entry: BeamEntry, logProb: number, t: number): void {
    entry.nonBlank = logAddExp(entry.stay, entry.fresh);
    if (entry.fresh > entry.stay) {
      const source = entry.source!;
      if (entry.carried && source.node.key !== entry.node.key) entry.node = this.child(source, entry.node.token);
      entry.start = t;
      entry.end = t + 1;
      entry.peak = Math.exp(logProb);
    } else if (entry.nonBlank > entry.blank) {
      entry.end = t + 1;
      entry.peak = Math.max(entry.peak, Math.exp(logProb));
    }
    entry.total = logAddExp(entry.blank, entry.nonBlank) + entry.node.score + entry.node.partial;
  }

  private prune(entries: BeamEntry[]): BeamEntry[] {
    const kept = entries.filter((e) => e.total > -Infinity);
    if (kept.length <= this.settings.beam) return kept;
    return kept.sort((a, b) => b.total - a.total).slice(0, this.settings.beam);
  }

  /**
   * The score of ending the node's word in progress, and the LM state after it. A word the LM does
   * not know pays its spelling penalty here if it has not yet: when it is a prefix of known words
   * or of a hot word. A hot word pays none.
   */
  completeWord(node: PrefixNode): WordScore {
    const { scorer } = this.settings;
    const word = scorer.word(node.lmState, node.lexicon);
    const boost = node.hotword?.complete ?? 0;
    const unpaid = boost === 0 && !scorer.isWord(node.lexicon) && this.knownSoFar(node);
    return { score: word.score + boost + (unpaid ? scorer.spelling(node.wordLength) : 0), state: word.state };
  }

  /** The node for the source entry's prefix extended by one symbol, with its LM and hot-word bookkeeping. */
  private child(source: BeamEntry, token: number): PrefixNode {
    const { vocabulary, scorer, hotwords } = this.settings;
    const parent = source.node;
    const key = childKey(parent.key, token);
    const grammar = parent.grammar?.child(token) ?? null;
    if (token === vocabulary.space) {
      const word = this.completeWord(parent);
      const hotword = nextHotword(parent.hotword, token, hotwords, false);
      const score = parent.score + word.score;
      return new PrefixNode(parent, token, key, word.state, scorer.wordStart(), 0, score, 0, hotword, grammar, source.start, source.end, source.peak);
    }
    const hotword = nextHotword(parent.hotword, token, hotwords, parent.token === vocabulary.space);
    const lexicon = scorer.next(parent.lexicon, token);
    const length = parent.wordLength + 1;
    // A word that just became unknown pays for all its characters, afterwards for each new one.
    const known = lexicon !== OFF_LEXICON || hotword !== null;
    const score = parent.score + (known ? 0 : scorer.spelling(this.knownSoFar(parent) ? length : 1));
    const partial = hotword?.partial ?? 0;
    return new PrefixNode(parent, token, key, parent.lmState, lexicon, length, score, partial, hotword, grammar, source.start, source.end, source.peak);
  }

  /** Whether the word in progress is still a prefix of an LM word or a hot word. */
  private knownSoFar(node: PrefixNode): boolean {
    return node.token === this.settings.vocabulary.space || node.lexicon !== OFF_LEXICON || node.hotword !== null;
  }
}

function addFresh(target: BeamEntry, logProb: number, source: BeamEntry): void {
  target.fresh = logAddExp(target.fresh, logProb);
  if (logProb <= target.sourceLogProb) return;
  target.source = source;
  target.sourceLogProb = logProb;
}

/**
 * The key of a prefix extended by one symbol: a 53-bit hash of the parent's key and the symbol,
 * so equal sequences get equal keys whatever nodes they were built from (a collision needs two
 * live prefixes among ~2^26 to meet).
 */
function childKey(key: number, token: number): number {
  const low = key >>> 0;
  const high = (key - low) / 4294967296;
  let a = Math.imul(low ^ Math.imul(token + 1, 0xcc9e2d51), 0x1b873593);
  let b = Math.imul(high ^ (a >>> 15), 0x85ebca6b) ^ Math.imul(token + 0x3c6ef372, 0xc2b2ae35);
  a = Math.imul(a ^ (b >>> 13), 0x27d4eb2f);
  a ^= a >>> 16;
  b = Math.imul(b ^ (a >>> 11), 0x165667b1);
  b ^= b >>> 15;
  return (b & 0x1fffff) * 4294967296 + (a >>> 0);
}
