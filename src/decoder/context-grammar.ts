import type { WordGraph } from '../intent/index.js';
import type { GrammarNode } from './grammar.js';
import type { CtcVocabulary } from './vocabulary.js';

/**
 * Word sets kept before the cache starts afresh. Sessions hold on to the nodes they use, so a
 * cleared cache only costs rebuilding; it bounds memory for graphs whose determinisation is large.
 */
const MAX_WORD_SETS = 20_000;

/**
 * A word graph as a grammar over the vocabulary's symbols: the graph is determinised lazily, a
 * set of graph states at a time (a `WordSet`), and each set spells the words that leave it as a
 * character trie; a space after a word moves to the set the word leads to. Only the sets the
 * search reaches are built, so a graph of 10^9 sentences costs what its decoded prefixes touch.
 */
export class ContextGrammar {
  private readonly sets = new Map<string, WordSet>();
  private readonly spellings = new Map<string, number[] | null>();

  constructor(
    readonly graph: WordGraph,
    private readonly vocabulary: CtcVocabulary,
  ) {}

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

  /** The word's symbols, or null when the vocabulary cannot spell it. */
  spell(word: string): number[] | null {
    let tokens = this.spellings.get(word);
    if (tokens === undefined) {
      const kept = [...word].filter((c) => this.vocabulary.has(c) && c !== ' ').join('');
      this.spellings.set(word, (tokens = kept === '' ? null : this.vocabulary.encode(kept)));
    }
    return tokens;
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
        else this.spellWord(arc.word, arc.to);
      }
    }
  }

  get space(): number {
    return this.grammar.space;
  }

  /** The set after `word`. */
  next(word: string): WordSet {
    let set = this.successors.get(word);
    if (!set) this.successors.set(word, (set = this.grammar.wordSet(this.targets.get(word)!)));
    return set;
  }

  private spellWord(word: string, target: number): void {
    const tokens = this.grammar.spell(word);
    if (!tokens) return;
    this.targets.set(word, [target]);
    let node = this.root;
    for (const token of tokens) node = node.childFor(token);
    node.word = word;
  }
}

/** A position inside the spelling of the words that leave a word set. */
class SpellingNode implements GrammarNode {
  private readonly children = new Map<number, SpellingNode>();
  /** The word spelled up to here, if one is. */
  word: string | undefined;

  constructor(private readonly owner: WordSet) {}

  child(token: number): GrammarNode | undefined {
    if (token !== this.owner.space) return this.children.get(token);
    return this.word === undefined ? undefined : this.owner.next(this.word).root;
  }

  get complete(): boolean {
    if (this === this.owner.root) return this.owner.accepting;
    return this.word !== undefined && this.owner.next(this.word).accepting;
  }

  childFor(token: number): SpellingNode {
    let child = this.children.get(token);
    if (!child) this.children.set(token, (child = new SpellingNode(this.owner)));
    return child;
  }
}
