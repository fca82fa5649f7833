import { NO_WORD, type NgramLanguageModel } from '../lm/ngram-model.js';
import type { Spelling } from './spelling.js';
import type { CtcVocabulary } from './vocabulary.js';

/** A node of the lexicon trie; the root is 0 (the empty word). */
export type LexiconPosition = number;

/** Where a word in progress is once it is no prefix of any LM word. */
export const OFF_LEXICON: LexiconPosition = -1;

/**
 * The LM's words as a token trie of their written forms, so a hypothesis knows its word's id without
 * building strings. Words written alike (homophones, when the forms are pronunciations) share a
 * position, which has all of their ids.
 */
export class Lexicon {
  private readonly children = new Map<number, LexiconPosition>();
  private readonly wordIds: number[] = [NO_WORD];
  /** Every id of a position spelled by more than one word. */
  private readonly homophones = new Map<LexiconPosition, number[]>();

  constructor(lm: NgramLanguageModel, private readonly vocabulary: CtcVocabulary, spelling: Spelling) {
    for (const [word, id] of lm.words()) {
      for (const form of spelling.spell(word)) {
        let node = 0;
        for (const token of vocabulary.encode(form)) node = this.childOf(node, token);
        this.addWord(node, id);
      }
    }
  }

  /** The position after one more token, or OFF_LEXICON. */
  next(position: LexiconPosition, token: number): LexiconPosition {
    if (position === OFF_LEXICON) return OFF_LEXICON;
    return this.children.get(position * this.vocabulary.size + token) ?? OFF_LEXICON;
  }

  /** Whether the form written up to this position is an LM word's. */
  isWord(position: LexiconPosition): boolean {
    return position !== OFF_LEXICON && this.wordIds[position] !== NO_WORD;
  }

  /** The LM word ids spelled up to this position: none, one, or a homophone's. */
  wordsAt(position: LexiconPosition): readonly number[] {
    if (!this.isWord(position)) return [];
    return this.homophones.get(position) ?? [this.wordIds[position]!];
  }

  private addWord(node: LexiconPosition, id: number): void {
    const first = this.wordIds[node]!;
    if (first === NO_WORD) this.wordIds[node] = id;
    else if (first !== id) this.homophones.set(node, [...(this.homophones.get(node) ?? [first]), id]);
  }

  private childOf(node: LexiconPosition, token: number): LexiconPosition {
    const key = node * this.vocabulary.size + token;
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.wordIds.length;
      this.wordIds.push(NO_WORD);
      this.children.set(key, child);
    }
    return child;
  }
}
