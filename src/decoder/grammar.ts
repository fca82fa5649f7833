import { spellPhrase, type Spelling } from './spelling.js';
import type { CtcVocabulary } from './vocabulary.js';
import { UNKNOWN_PHRASE } from './words.js';

/** A position in what a grammar accepts, character by character. */
export interface GrammarNode {
  /** The position after one more symbol, or undefined when nothing accepted continues with it. */
  child(token: number): GrammarNode | undefined;
  /** A whole phrase ends here (with or without a trailing space). */
  readonly complete: boolean;
  /** In a flat grammar, the words of the phrase that ends here. */
  readonly phrase?: readonly string[];
}

/** A node of a phrase trie. */
class TrieNode implements GrammarNode {
  readonly next = new Map<number, TrieNode>();
  complete = false;
  phrase: string[] | undefined;

  child(token: number): TrieNode | undefined {
    return this.next.get(token);
  }
}

/** A phrase of a grammar, written one way. */
export interface GrammarPhrase {
  tokens: number[];
  /** The phrase's words, normalised. */
  words: string[];
}

export interface Grammar {
  root: TrieNode;
  /** Each distinct written phrase, without "[unk]": a phrase whose words have several written forms has them all. */
  phrases: GrammarPhrase[];
  /** The phrase list has "[unk]": out-of-grammar speech gives "[unk]" instead of the nearest phrase. */
  allowsUnknown: boolean;
}

/**
 * Written forms kept per phrase. A phone model writes most words one or two ways, so a phrase of a
 * few words has a few forms; this bounds the unusual phrase of many words with many pronunciations.
 */
const MAX_FORMS_PER_PHRASE = 256;

/**
 * The phrases as a token trie, each in every way the spelling writes it (the first
 * MAX_FORMS_PER_PHRASE). Throws UnknownWordError for a word the spelling cannot write.
 */
export function grammarOf(phrases: readonly string[], vocabulary: CtcVocabulary, spelling: Spelling): Grammar {
  const root = new TrieNode();
  const distinct = new Map<string, GrammarPhrase>();
  let allowsUnknown = false;
  for (const phrase of phrases) {
    if (phrase.trim().toLowerCase() === UNKNOWN_PHRASE) {
      allowsUnknown = true;
      continue;
    }
    const { words, forms } = spellPhrase(phrase, spelling);
    for (const written of writtenForms(forms).slice(0, MAX_FORMS_PER_PHRASE)) {
      if (written === '' || distinct.has(written)) continue;
      const tokens = vocabulary.encode(written);
      distinct.set(written, { tokens, words });
      let node = root;
      for (const token of tokens) node = childOf(node, token);
      for (const end of [node, childOf(node, vocabulary.space)]) {
        end.complete = true;
        end.phrase = words;
      }
    }
  }
  return { root, phrases: [...distinct.values()], allowsUnknown };
}

/** Every way to write the words in a row, one form per word, space-separated. */
function writtenForms(forms: readonly (readonly string[])[]): string[] {
  let written = [''];
  for (const wordForms of forms) {
    written = written.flatMap((start) => wordForms.map((form) => (start === '' ? form : `${start} ${form}`))).slice(0, MAX_FORMS_PER_PHRASE);
  }
  return written;
}

function childOf(node: TrieNode, token: number): TrieNode {
  let child = node.next.get(token);
  if (!child) node.next.set(token, (child = new TrieNode()));
  return child;
}
