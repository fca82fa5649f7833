import { ContextError } from './errors.js';
import type { ContextSpec, Place, Sentence, SlotValueType, Template } from './template.js';
import { WordGraph, type Marker } from './word-graph.js';

/** What a matched sentence means. */
export interface IntentMatch {
  intent: string;
  slots: Record<string, SlotValueType>;
}

/** The most states a compiled context may have (each costs a few dozen bytes). */
export const MAX_GRAPH_STATES = 2_000_000;

/**
 * A context compiled into a word graph: which word sequences it accepts, and what each one means.
 * Compiling costs the size of the templates with each slot list and rule inlined where it is
 * used, not the number of sentences, which may be far larger.
 */
export class CompiledContext {
  /** Sentences the context accepts, counted with their paths (≥ the distinct word sequences). */
  readonly sentenceCount: number;
  readonly intents: readonly string[];

  constructor(
    readonly graph: WordGraph,
    private readonly sentences: readonly Sentence[],
  ) {
    this.sentenceCount = graph.pathCount();
    this.intents = [...new Set(sentences.map((s) => s.intent))];
  }

  /** The intent and slots of normalised words the context accepts, or null. */
  parse(words: readonly string[]): IntentMatch | null {
    const labels = this.graph.path(words);
    if (!labels) return null;
    let sentence: Sentence | undefined;
    const slots: Record<string, SlotValueType> = {};
    const starts: number[] = [];
    let position = 0;
    for (const label of labels) {
      if (typeof label === 'string') position++;
      else if (label.kind === 'sentence') sentence = this.sentences[label.index];
      else if (label.kind === 'slotStart') starts.push(position);
      else slots[label.name] = label.value ?? words.slice(starts.pop(), position).join(' ');
    }
    return { intent: sentence!.intent, slots: { ...sentence!.fixedSlots, ...slots } };
  }
}

/** Compiles a parsed context; a reference to a missing list or rule, or a rule that uses itself, is a ContextError. */
export function compileSpec(spec: ContextSpec, file: string): CompiledContext {
  const builder = new GraphBuilder(spec, file);
  for (const [index, sentence] of spec.sentences.entries()) builder.addSentence(sentence, index);
  return new CompiledContext(builder.finish(), spec.sentences);
}

class GraphBuilder {
  private readonly graph = new WordGraph();
  private readonly ends: number[] = [];
  /** Rules being expanded, innermost last: a rule met again here refers to itself. */
  private readonly expanding: string[] = [];

  constructor(
    private readonly spec: ContextSpec,
    private readonly file: string,
  ) {}

  addSentence(sentence: Sentence, index: number): void {
    const first = this.state(sentence.place);
    this.graph.addEpsilon(this.graph.start, first, { kind: 'sentence', index });
    this.ends.push(this.add(sentence.template, first, sentence.place));
  }

  finish(): WordGraph {
    if (this.ends.length === 0) throw new ContextError(this.file, 1, 'the context has no sentences');
    const final = this.graph.finish();
    for (const end of this.ends) this.graph.addEpsilon(end, final);
    return this.graph;
  }

  /** Adds the template's paths from state `from`; returns the state where they end. */
  private add(template: Template, from: number, place: Place): number {
    switch (template.kind) {
      case 'words':
        return template.words.reduce((state, word) => {
          const to = this.state(place);
          this.graph.addWord(state, word, to);
          return to;
        }, from);
      case 'sequence':
        return template.items.reduce((state, item) => this.add(item, state, place), from);
      case 'choice':
        return this.join(template.options.map((option) => this.add(option, from, place)), place);
      case 'slot':
        return this.addSlot(template.list, template.name, from, place);
      case 'rule':
        return this.addRule(template.name, from, place);
    }
  }

  private addSlot(listName: string, slot: string, from: number, place: Place): number {
    const list = this.spec.lists.get(listName);
    if (!list) throw ContextError.at(place, `no slot list "${listName}"`);
    const first = this.state(place);
    this.graph.addEpsilon(from, first, { kind: 'slotStart', name: slot });
    const ends = list.values.map((value) => ({ end: this.add(value.spoken, first, list.place), value: value.value }));
    const end = this.state(place);
    for (const e of ends) this.graph.addEpsilon(e.end, end, slotEnd(slot, e.value));
    return end;
  }

  private addRule(name: string, from: number, place: Place): number {
    const rule = this.spec.rules.get(name);
    if (!rule) throw ContextError.at(place, `no macro or expansion rule "${name}"`);
    if (this.expanding.includes(name)) throw ContextError.at(rule.place, `"${name}" refers to itself (${[...this.expanding, name].join(' -> ')})`);
    this.expanding.push(name);
    const end = this.add(rule.template, from, rule.place);
    this.expanding.pop();
    return end;
  }

  /** A new state that every one of `ends` leads to. */
  private join(ends: number[], place: Place): number {
    const end = this.state(place);
    for (const e of new Set(ends)) this.graph.addEpsilon(e, end);
    return end;
  }

  private state(place: Place): number {
    if (this.graph.size >= MAX_GRAPH_STATES) throw ContextError.at(place, `the context compiles to more than ${MAX_GRAPH_STATES} states`);
    return this.graph.addState();
  }
}

function slotEnd(name: string, value: SlotValueType | undefined): Marker {
  return value === undefined ? { kind: 'slotEnd', name } : { kind: 'slotEnd', name, value };
}
