import { cardinal, ordinal } from '../text/numbers.js';
import { optional, type SlotValue, type Template } from './template.js';

export interface NumberRange {
  from: number;
  to: number;
  step: number;
  /** Spoken as ordinals ("twenty first") instead of cardinals. */
  ordinal?: boolean;
  /** Words after the number: always said, or optional. */
  suffix?: { words: string[]; optional: boolean };
  /** The slot reports the number itself rather than the spoken words. */
  numeric: boolean;
}

/** The most values a number range may have; each is a path through the graph. */
export const MAX_RANGE_VALUES = 100_000;

/** One slot value per number of the range, spelled out. */
export function numberValues(range: NumberRange): SlotValue[] {
  const values: SlotValue[] = [];
  for (let n = range.from; n <= range.to; n += range.step) {
    const number: Template = { kind: 'words', words: (range.ordinal ? ordinal(n) : cardinal(n)).split(' ') };
    values.push({ spoken: withSuffix(number, range.suffix), value: range.numeric ? n : undefined });
  }
  return values;
}

function withSuffix(number: Template, suffix: NumberRange['suffix']): Template {
  if (!suffix) return number;
  const words: Template = { kind: 'words', words: suffix.words };
  return { kind: 'sequence', items: [number, suffix.optional ? optional(words) : words] };
}

/** Rhino's built-in slot types that earshot knows, as number ranges. */
export const RHINO_BUILT_INS: Record<string, NumberRange> = {
  'pv.SingleDigitInteger': { from: 0, to: 9, step: 1, numeric: false },
  'pv.TwoDigitInteger': { from: 0, to: 99, step: 1, numeric: false },
  'pv.Percent': { from: 0, to: 100, step: 1, suffix: { words: ['percent'], optional: false }, numeric: false },
  'pv.SingleDigitOrdinal': { from: 1, to: 9, step: 1, ordinal: true, numeric: false },
  'pv.TwoDigitOrdinal': { from: 1, to: 99, step: 1, ordinal: true, numeric: false },
};
