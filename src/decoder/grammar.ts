import type { CtcVocabulary } from './vocabulary.js';

export const UNKNOWN_PHRASE = '[unk]';

/** A position in the grammar's phrases, character by character. */
export interface GrammarNode {
  readonly next: Map<number, GrammarNode>;
  /** A whole phrase ends here (with or without a trailing space). */
  complete: boolean;
}

export interface Grammar {
  root: GrammarNode;
  /** Each distinct phrase's characters, without "[unk]". */
  phrases: number[][];
  /** The phrase list has "[unk]": out-of-grammar speech gives "[unk]" instead of the nearest phrase. */
  allowsUnknown: boolean;
}

/** The phrases, normalised to the vocabulary, as a character trie. */
export function grammarOf(phrases: readonly string[], vocabulary: CtcVocabulary): Grammar {
  const root = newNode();
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

function newNode(): GrammarNode {
  return { next: new Map(), complete: false };
}

function childOf(node: GrammarNode, token: number): GrammarNode {
  let child = node.next.get(token);
  if (!child) node.next.set(token, (child = newNode()));
  return child;
}
