import type { SlotValueType } from './template.js';

/** What a path says besides its words: which sentence it is, where slots begin and end. */
export type Marker =
  | { kind: 'sentence'; index: number }
  | { kind: 'slotStart'; name: string }
  | { kind: 'slotEnd'; name: string; value?: SlotValueType };

export interface WordArc {
  word: string;
  to: number;
}

export interface EpsilonArc {
  to: number;
  marker?: Marker;
}

/**
 * A finite-state acceptor over words with epsilon arcs that carry markers. Every arc goes from a
 * lower state number to a higher one, so the graph is acyclic and state order is topological;
 * `start` is the first state and `final` the last.
 */
export class WordGraph {
  readonly words: WordArc[][] = [];
  readonly epsilons: EpsilonArc[][] = [];
  readonly start: number;
  private finalState = -1;

  constructor() {
    this.start = this.addState();
  }

  get size(): number {
    return this.words.length;
  }

  get final(): number {
    return this.finalState;
  }

  /** Every word on an arc. */
  vocabulary(): Set<string> {
    return new Set(this.words.flatMap((arcs) => arcs.map((arc) => arc.word)));
  }

  addState(): number {
    this.words.push([]);
    this.epsilons.push([]);
    return this.words.length - 1;
  }

  addWord(from: number, word: string, to: number): void {
    this.words[from]!.push({ word, to });
  }

  addEpsilon(from: number, to: number, marker?: Marker): void {
    this.epsilons[from]!.push(marker ? { to, marker } : { to });
  }

  /** Adds the final state, which must come last. */
  finish(): number {
    this.finalState = this.addState();
    return this.finalState;
  }

  /** The number of word sequences from start to final, counted with their paths (a float beyond 2^53). */
  pathCount(): number {
    const counts = new Float64Array(this.size);
    counts[this.final] = 1;
    for (let s = this.size - 1; s >= 0; s--) {
      for (const arc of this.words[s]!) counts[s] += counts[arc.to]!;
      for (const arc of this.epsilons[s]!) counts[s] += counts[arc.to]!;
    }
    return counts[this.start]!;
  }

  /** `states` and every state their epsilon arcs lead to, in increasing order. */
  epsilonClosure(states: readonly number[]): number[] {
    const seen = new Set(states);
    const stack = [...states];
    while (stack.length > 0) {
      for (const arc of this.epsilons[stack.pop()!]!) {
        if (seen.has(arc.to)) continue;
        seen.add(arc.to);
        stack.push(arc.to);
      }
    }
    return [...seen].sort((a, b) => a - b);
  }

  /** The markers and words along one path that says exactly `words`, or null when none does. */
  path(words: readonly string[]): (Marker | string)[] | null {
    const n = words.length + 1;
    const parent = new Map<number, { from: number; label?: Marker | string }>([[this.start * n, { from: -1 }]]);
    const queue = [this.start * n];
    for (let head = 0; head < queue.length; head++) {
      const at = queue[head]!;
      const state = Math.floor(at / n);
      const position = at % n;
      if (state === this.final && position === words.length) return labelsTo(at, parent);
      const visit = (to: number, label?: Marker | string): void => {
        if (parent.has(to)) return;
        parent.set(to, { from: at, label });
        queue.push(to);
      };
      for (const arc of this.epsilons[state]!) visit(arc.to * n + position, arc.marker);
      if (position < words.length) for (const arc of this.words[state]!) if (arc.word === words[position]) visit(arc.to * n + position + 1, arc.word);
    }
    return null;
  }
}

function labelsTo(at: number, parent: Map<number, { from: number; label?: Marker | string }>): (Marker | string)[] {
  const labels: (Marker | string)[] = [];
  for (let step = parent.get(at)!; step.from >= 0; step = parent.get(step.from)!) if (step.label !== undefined) labels.push(step.label);
  return labels.reverse();
}
