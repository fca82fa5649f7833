import type { CtcVocabulary } from './vocabulary.js';

export const UNKNOWN_PHRASE = '[unk]';

/** A position in what a grammar accepts, character by character. */
export interface GrammarNode {
  /** The position after one more symbol, or undefined when nothing accepted continues with it. */
  child(token: number): GrammarNode | undefined;
  /** A whole phrase ends here (with or without a trailing space). */
  readonly complete: boolean;
}

/** A node of a phrase trie. */
class TrieNode implements GrammarNode {
  readonly next = new Map<number, TrieNode>();
  complete = false;

  child(token: number): TrieNode | undefined {
    return this.next.get(token);
  }
}

export interface Grammar {
  root: TrieNode;
  /** Each distinct phrase's characters, without "[unk]". */
  phrases: number[][];
  /** The phrase list has "[unk]": out-of-grammar speech gives "[unk]" instead of the nearest phrase. */
  allowsUnknown: boolean;
}

/** The phrases, normalised to the vocabulary, as a character trie. */
export function grammarOf(phrases: readonly string[], vocabulary: CtcVocabulary): Grammar {
  const root = new TrieNode();
  const distinct = new Map<string, number[]>();
  let allowsUnknown = false;
  for (const phrase of phrases) {
    if (phrase.trim().toLowerCase() === UNKNOWN_PHRASE) {
      allowsUnknown = true;
      continue;
    }
    const normalized = vocabulary.normalize(phrase);
    if (normalized === '' || distinct.has(normalized)) continue;
    const tokens = vocabulary.encode(normalized);
    distinct.set(normalized, tokens);
    let node = root;
    for (const token of tokens) node = childOf(node, token);
    node.complete = true;
    childOf(node, vocabulary.space).complete = true;
  }
  return { root, phrases: [...distinct.values()], allowsUnknown };
}

function childOf(node: TrieNode, token: number): TrieNode {
  let child = node.next.get(token);
  if (!child) node.next.set(token, (child = new TrieNode()));
  return child;
}
