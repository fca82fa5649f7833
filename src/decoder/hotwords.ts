import { spellPhrase, type Spelling } from './spelling.js';
import type { Hotword } from './types.js';
import type { CtcVocabulary } from './vocabulary.js';

/**
 * Boost per completed hot word. Boosts are natural-log bonuses on the same scale as alpha · ln P_lm:
 * 2 to 5 lifts a phrase the acoustics support; far larger ones make the search force the phrase's
 * words where they were not said and break the words around them into pieces to fit them in.
 */
export const DEFAULT_HOTWORD_BOOST = 3;

/** A position in the hot phrases, token by token (spaces included). */
export interface HotwordNode {
  readonly next: Map<number, HotwordNode>;
  /** Bonus while this is the hypothesis' word in progress: the boost times the share of the word typed. */
  partial: number;
  /** Boost earned when the word ends here (0: no hot word ends here). */
  complete: number;
}

/**
 * A token trie of the hot phrases, each word in every way the spelling writes it; the returned root
 * matches the start of a word. A word on a hot phrase counts as known to the LM: it pays no spelling
 * penalty. Phrases with boost 0 are left out. Throws UnknownWordError for a word the spelling cannot write.
 */
export function hotwordTrie(hotwords: readonly Hotword[], vocabulary: CtcVocabulary, spelling: Spelling): HotwordNode | null {
  const root = newNode();
  for (const { phrase, boost = DEFAULT_HOTWORD_BOOST } of hotwords) {
    if (boost === 0) continue;
    let ends = [root];
    for (const [i, forms] of spellPhrase(phrase, spelling).forms.entries()) {
      const starts = i === 0 ? ends : ends.map((node) => childOf(node, vocabulary.space));
      ends = starts.flatMap((start) => forms.map((form) => addWord(start, vocabulary.encode(form), boost)));
    }
  }
  return root.next.size > 0 ? root : null;
}

/** Adds a word's tokens after `start`, with its partial and complete boosts; the node it ends at. */
function addWord(start: HotwordNode, tokens: readonly number[], boost: number): HotwordNode {
  let node = start;
  for (const [j, token] of tokens.entries()) {
    node = childOf(node, token);
    node.partial = Math.max(node.partial, (boost * (j + 1)) / tokens.length);
  }
  node.complete = Math.max(node.complete, boost);
  return node;
}

/**
 * The boosts a whole token sequence earns, walking the trie as the prefix search does: a hot word
 * may start at any word, and a phrase's next word continues from the space after the one before.
 */
export function hotwordBonus(tokens: readonly number[], root: HotwordNode | null, space: number): number {
  if (!root) return 0;
  let bonus = 0;
  let node: HotwordNode | null = root;
  let previous = space;
  for (const token of tokens) {
    if (token === space) bonus += node?.complete ?? 0;
    node = nextHotword(node, token, root, token !== space && previous === space);
    previous = token;
  }
  return bonus + (node?.complete ?? 0);
}

/** The hot-word position after `token`: along the current phrase, or, where a word starts, a new phrase from `root`. */
export function nextHotword(node: HotwordNode | null, token: number, root: HotwordNode | null, wordStart: boolean): HotwordNode | null {
  return node?.next.get(token) ?? (wordStart ? root?.next.get(token) : undefined) ?? null;
}

function newNode(): HotwordNode {
  return { next: new Map(), partial: 0, complete: 0 };
}

function childOf(node: HotwordNode, token: number): HotwordNode {
  let child = node.next.get(token);
  if (!child) node.next.set(token, (child = newNode()));
  return child;
}
