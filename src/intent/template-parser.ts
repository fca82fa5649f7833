import { normalizeText } from '../text/normalize.js';
import { EMPTY, type Template } from './template.js';

/** The bracket pairs and references of one template syntax. */
export interface Dialect {
  /** Brackets around alternatives of which one is said. */
  choice: Brackets;
  /** Brackets around alternatives of which one or none is said. */
  optional: Brackets;
  /** Separates the items of a group said in any order (hassil's `;`). */
  permutation?: string;
  /** A slot or rule reference at the start of `rest`, with its length; null when none starts there. */
  reference(rest: string): { template: Template; length: number } | null;
  /** Characters that start a reference. */
  referenceStart: string;
}

export interface Brackets {
  open: string;
  close: string;
  separator: string;
}

/** `[a, b]` one of, `(x)` optional, `$slotType:slotName`, `@macro` (Picovoice Rhino). */
export const RHINO: Dialect = {
  choice: { open: '[', close: ']', separator: ',' },
  optional: { open: '(', close: ')', separator: ',' },
  referenceStart: '$@',
  reference(rest) {
    const slot = /^\$([\w.]+)(?::(\w+))?/.exec(rest);
    if (slot) return { template: { kind: 'slot', list: slot[1]!, name: slot[2] ?? slot[1]! }, length: slot[0].length };
    const macro = /^@(\w+)/.exec(rest);
    if (macro) return { template: { kind: 'rule', name: macro[1]! }, length: macro[0].length };
    return null;
  },
};

/** `(a|b)` one of, `[x]` optional, `(a;b)` any order, `{list}` or `{list:slot}`, `<rule>` (Home Assistant's hassil). */
export const HASSIL: Dialect = {
  choice: { open: '(', close: ')', separator: '|' },
  optional: { open: '[', close: ']', separator: '|' },
  permutation: ';',
  referenceStart: '{<',
  reference(rest) {
    const slot = /^\{\s*([^{}:]+?)\s*(?::\s*([^{}]+?)\s*)?\}/.exec(rest);
    if (slot) return { template: { kind: 'slot', list: slot[1]!, name: slot[2] ?? slot[1]! }, length: slot[0].length };
    const rule = /^<([^<>]+)>/.exec(rest);
    if (rule) return { template: { kind: 'rule', name: rule[1]!.trim() }, length: rule[0].length };
    return null;
  },
};

/** A template that does not parse; `column` counts from 1. */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly column: number,
  ) {
    super(`${reason} at column ${column}`);
  }
}

/** The most items a permutation group may have: n items are n! orders. */
const MAX_PERMUTED = 5;

/** Parses a template in the dialect's syntax; plain text is normalised into words. */
export function parseTemplate(text: string, dialect: Dialect): Template {
  return new Parser(text, dialect).parse();
}

class Parser {
  private at = 0;
  private readonly special: Set<string>;

  constructor(
    private readonly text: string,
    private readonly dialect: Dialect,
  ) {
    const { choice, optional, permutation = '', referenceStart } = dialect;
    this.special = new Set([choice.open, choice.close, choice.separator, optional.open, optional.close, optional.separator, ...permutation, ...referenceStart]);
  }

  parse(): Template {
    const template = this.sequence(null);
    if (this.at < this.text.length) throw this.error(`unexpected '${this.text[this.at]}'`);
    return template;
  }

  /** Items up to the group's closing bracket or separator (not consumed), or the end of the text. */
  private sequence(group: Brackets | null): Template {
    const items: Template[] = [];
    let plain = '';
    const flush = (): void => {
      const words = normalizeText(plain).split(' ').filter(Boolean);
      if (words.length > 0) items.push({ kind: 'words', words });
      plain = '';
    };
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (group && (c === group.close || c === group.separator || c === this.dialect.permutation)) break;
      if (!this.special.has(c) || (!group && this.isSeparator(c))) {
        plain += c;
        this.at++;
        continue;
      }
      flush();
      items.push(this.item(c));
    }
    flush();
    return items.length === 1 ? items[0]! : { kind: 'sequence', items };
  }

  /** Separators outside a group are punctuation. */
  private isSeparator(c: string): boolean {
    const { choice, optional, permutation } = this.dialect;
    return c === choice.separator || c === optional.separator || c === permutation;
  }

  private item(c: string): Template {
    const { choice, optional } = this.dialect;
    if (c === choice.open) return this.group(choice, false);
    if (c === optional.open) return this.group(optional, true);
    if (this.dialect.referenceStart.includes(c)) {
      const reference = this.dialect.reference(this.text.slice(this.at));
      if (!reference) throw this.error(`'${c}' starts no slot or rule reference`);
      this.at += reference.length;
      return reference.template;
    }
    throw this.error(`unexpected '${c}'`);
  }

  private group(brackets: Brackets, isOptional: boolean): Template {
    const start = this.at++;
    const options: Template[] = [this.sequence(brackets)];
    let separator = '';
    while (this.at < this.text.length && this.text[this.at] !== brackets.close) {
      const c = this.text[this.at]!;
      if (separator && c !== separator) throw this.error(`'${separator}' and '${c}' mixed in one group`);
      separator = c;
      this.at++;
      options.push(this.sequence(brackets));
    }
    if (this.at >= this.text.length) throw new TemplateSyntaxError(`'${brackets.open}' is not closed`, start + 1);
    this.at++;
    if (separator && separator === this.dialect.permutation) return permutations(options, start + 1);
    return { kind: 'choice', options: isOptional ? [...options, EMPTY] : options };
  }

  private error(reason: string): TemplateSyntaxError {
    return new TemplateSyntaxError(reason, this.at + 1);
  }
}

function permutations(items: Template[], column: number): Template {
  if (items.length > MAX_PERMUTED) throw new TemplateSyntaxError(`a permutation of more than ${MAX_PERMUTED} items`, column);
  const orders = (rest: Template[]): Template[][] =>
    rest.length <= 1 ? [rest] : rest.flatMap((first, i) => orders(rest.filter((_, j) => j !== i)).map((order) => [first, ...order]));
  return { kind: 'choice', options: orders(items).map((order) => ({ kind: 'sequence', items: order })) };
}
