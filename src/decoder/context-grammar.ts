import type { WordGraph } from '../intent/index.js';
import type { GrammarNode } from './grammar.js';
import { UnknownWordError, unwritableWords, type Spelling } from './spelling.js';
import type { CtcVocabulary } from './vocabulary.js';

/**
 * Word sets kept before the cache starts afresh. Sessions hold on to the nodes they use, so a
 * cleared cache only costs rebuilding; it bounds memory for graphs whose determinisation is large.
 */
const MAX_WORD_SETS = 20_000;

/**
 * A word graph as a grammar over the vocabulary's symbols: the graph is determinised lazily, a
 * set of graph states at a time (a `WordSet`), and each set writes the words that leave it as a
 * token trie of their written forms; a space after a form moves to the set its words lead to
 * (homophones' together). Only the sets the search reaches are built, so a graph of 10^9 sentences
 * costs what its decoded prefixes touch.
 */
export class ContextGrammar {
  private readonly sets = new Map<string, WordSet>();
  private readonly forms = new Map<string, number[][]>();

  /** Throws UnknownWordError when the spelling cannot write some of the graph's words. */
  constructor(
    readonly graph: WordGraph,
    private readonly vocabulary: CtcVocabulary,
    private readonly spelling: Spelling,
  ) {
    const missing = unwritableWords(graph.vocabulary(), spelling);
    if (missing.length > 0) throw new UnknownWordError(missing);
  }

  /** Where every sentence starts. */
  root(): GrammarNode {
    return this.wordSet([this.graph.start]).root;
  }

  /** The set of `states` and every state their epsilon arcs lead to. */
  wordSet(states: readonly number[]): WordSet {
    const closed = this.graph.epsilonClosure(states);
    const key = closed.join(',');
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= MAX_WORD_SETS) this.sets.clear();
      this.sets.set(key, (set = new WordSet(this, closed)));
    }
    return set;
  }

  /** The word's written forms as tokens; none when the spelling cannot write it. */
  spell(word: string): number[][] {
    let tokens = this.forms.get(word);
    if (!tokens) this.forms.set(word, (tokens = this.spelling.spell(word).map((form) => this.vocabulary.encode(form))));
    return tokens;
  }

  /**
   * Every reading of written words as the graph's words, at most `limit`: one for a character
   * model, one per combination of homophones for a phone model.
   */
  readings(written: readonly string[], limit: number): string[][] {
    const graphWords = (form: string): string[] => this.spelling.homophones(form).filter((word) => this.spell(word).length > 0);
    let readings: string[][] = [[]];
    for (const form of written) readings = readings.flatMap((start) => graphWords(form).map((word) => [...start, word])).slice(0, limit);
    return readings;
  }

  get space(): number {
    return this.vocabulary.space;
  }
}

/** A determinised state: graph states that the same words reach. */
class WordSet {
  readonly accepting: boolean;
  readonly root: SpellingNode;
  /** Graph states each word leads to, before their closure. */
  private readonly targets = new Map<string, number[]>();
  /** The set after each written form, by its words. */
  private readonly successors = new Map<string, WordSet>();

  constructor(
    private readonly grammar: ContextGrammar,
    states: readonly number[],
  ) {
    this.accepting = states.includes(grammar.graph.final);
    this.root = new SpellingNode(this);
    for (const state of states) {
      for (const arc of grammar.graph.words[state]!) {
        const targets = this.targets.get(arc.word);
        if (targets) targets.push(arc.to);
        else this.addWord(arc.word, arc.to);
      }
    }
  }

  get space(): number {
    return this.grammar.space;
  }

  /** The set after a form written by `words`. */
  next(words: readonly string[]): WordSet {
    const key = words.join(' ');
    let set = this.successors.get(key);
    if (!set) this.successors.set(key, (set = this.grammar.wordSet(words.flatMap((word) => this.targets.get(word)!))));
    return set;
  }

  private addWord(word: string, target: number): void {
    this.targets.set(word, [target]);
    for (const tokens of this.grammar.spell(word)) {
      let node = this.root;
      for (const token of tokens) node = node.childFor(token);
      node.words.push(word);
    }
  }
}

/** A position inside the written forms of the words that leave a word set. */
class SpellingNode implements GrammarNode {
  private readonly children = new Map<number, SpellingNode>();
  /** The words written up to here: none, one, or homophones. */
  readonly words: string[] = [];

  constructor(private readonly owner: WordSet) {}

  child(token: number): GrammarNode | undefined {
    if (token !== this.owner.space) return this.children.get(token);
    return this.words.length === 0 ? undefined : this.owner.next(this.words).root;
  }

  get complete(): boolean {
    if (this === this.owner.root) return this.owner.accepting;
    return this.words.length > 0 && this.owner.next(this.words).accepting;
  }

  childFor(token: number): SpellingNode {
    let child = this.children.get(token);
    if (!child) this.children.set(token, (child = new SpellingNode(this.owner)));
    return child;
  }
}
