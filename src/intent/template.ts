/** A sentence template, parsed from either context format. Words are normalised like transcripts. */
export type Template =
  | { kind: 'words'; words: string[] }
  | { kind: 'sequence'; items: Template[] }
  /** One of the options; an optional part is a choice with an empty sequence. */
  | { kind: 'choice'; options: Template[] }
  /** A value of the slot list `list`, reported as slot `name`. */
  | { kind: 'slot'; list: string; name: string }
  /** A macro (Rhino) or expansion rule (hassil), expanded in place. */
  | { kind: 'rule'; name: string };

export type SlotValueType = string | number;

/** One value of a slot list: what is said, and what the result reports (the spoken words when absent). */
export interface SlotValue {
  spoken: Template;
  value?: SlotValueType;
}

/** Where something was written, for errors. */
export interface Place {
  file: string;
  line: number;
}

/** One template of an intent. */
export interface Sentence {
  intent: string;
  template: Template;
  /** Slots every match of the sentence reports (hassil's `slots:` beside `sentences:`). */
  fixedSlots: Record<string, SlotValueType>;
  place: Place;
}

/** A context file's content in one shape for both formats. */
export interface ContextSpec {
  sentences: Sentence[];
  lists: Map<string, { values: SlotValue[]; place: Place }>;
  rules: Map<string, { template: Template; place: Place }>;
}

export const EMPTY: Template = { kind: 'sequence', items: [] };

export function optional(template: Template): Template {
  return { kind: 'choice', options: [template, EMPTY] };
}
