import { NgramModelBuilder, type NgramLanguageModel } from './ngram-model.js';

export class ArpaFormatError extends Error {
  override readonly name = 'ArpaFormatError';
}

/** One line of an ARPA n-gram section. */
export interface ArpaNgram {
  /** The words, separated by single spaces. */
  text: string;
  log10Prob: number;
  /** Omitted when the n-gram is never a context (back-off weight 1). */
  log10Backoff?: number;
}

/**
 * Reads ARPA text (log10 probabilities and back-off weights, any order) into a model; `source`, the
 * hex SHA-256 of the file the text came from, is recorded in the model's binary form.
 */
export function parseArpa(text: string, source = ''): NgramLanguageModel {
  const counts: number[] = [];
  let builder: NgramModelBuilder | undefined;
  let order = 0;
  let lineNumber = 0;
  const fail = (message: string): never => {
    throw new ArpaFormatError(`ARPA line ${lineNumber}: ${message}`);
  };
  let section: 'preamble' | 'data' | 'ngrams' | 'end' = 'preamble';
  for (let start = 0; start < text.length && section !== 'end'; ) {
    const newline = text.indexOf('\n', start);
    const stop = newline === -1 ? text.length : newline;
    const line = text.slice(start, stop).trim();
    start = stop + 1;
    lineNumber++;
    if (line === '') continue;
    if (section === 'ngrams' && line.charCodeAt(0) !== 0x5c) {
      addNgram(builder!, line.split(/\s+/), order, fail);
    } else if (line === '\\data\\') {
      section = 'data';
    } else if (line === '\\end\\') {
      section = 'end';
    } else if (section === 'data' && line.startsWith('ngram ')) {
      const match = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(line) ?? fail(`bad count line "${line}"`);
      counts[Number(match[1])] = Number(match[2]);
    } else if (section !== 'preamble' && /^\\\d+-grams:$/.test(line)) {
      order = Number(line.slice(1, line.indexOf('-')));
      if (counts[order] === undefined) fail(`no count given for ${order}-grams`);
      builder ??= new NgramModelBuilder(counts.reduce((sum, count) => sum + (count ?? 0), 0));
      section = 'ngrams';
    } else if (section !== 'preamble') {
      fail(`unexpected "${line}"`);
    }
  }
  if (!builder) throw new ArpaFormatError('ARPA text has no n-gram sections');
  if (section !== 'end') throw new ArpaFormatError('ARPA text ends without \\end\\');
  return builder.build(source);
}

function addNgram(builder: NgramModelBuilder, fields: string[], order: number, fail: (message: string) => never): void {
  if (fields.length !== order + 1 && fields.length !== order + 2) fail(`expected ${order} words`);
  const logProb = log10Field(fields[0]!, fail);
  const backoff = fields.length === order + 2 ? log10Field(fields[order + 1]!, fail) : 0;
  try {
    builder.add(fields.slice(1, order + 1), logProb * Math.LN10, backoff * Math.LN10);
  } catch (error) {
    fail((error as Error).message);
  }
}

function log10Field(field: string, fail: (message: string) => never): number {
  const value = field === '-inf' ? -Infinity : Number(field);
  return Number.isNaN(value) ? fail(`"${field}" is not a number`) : value;
}

/** ARPA text for n-grams grouped by order (index 0: unigrams), in chunks of lines. */
export function* formatArpa(orders: ArpaNgram[][]): Generator<string> {
  yield `\\data\\\n${orders.map((ngrams, i) => `ngram ${i + 1}=${ngrams.length}\n`).join('')}`;
  for (const [i, ngrams] of orders.entries()) {
    yield `\n\\${i + 1}-grams:\n`;
    for (let start = 0; start < ngrams.length; start += 4096) {
      yield ngrams.slice(start, start + 4096).map(formatNgram).join('');
    }
  }
  yield '\n\\end\\\n';
}

function formatNgram({ text, log10Prob, log10Backoff }: ArpaNgram): string {
  const backoff = log10Backoff === undefined ? '' : `\t${formatLog(log10Backoff)}`;
  return `${formatLog(log10Prob)}\t${text}${backoff}\n`;
}

function formatLog(value: number): string {
  return value <= -99 ? '-99' : value.toFixed(7);
}
