import { formatArpa, type ArpaNgram } from './arpa.js';
import { SENTENCE_END, SENTENCE_START, UNKNOWN_WORD } from './ngram-model.js';

export interface KneserNeyOptions {
  /** N-gram order (default 3). */
  order?: number;
  /**
   * Count cutoff: n-grams of order 2 and up whose (adjusted) count is at most this are left out,
   * their probability mass going to the back-off, unless a kept longer n-gram needs them as its
   * context or back-off suffix. Default 0 keeps everything; 1 drops singletons.
   */
  prune?: number;
}

/** Chen & Goodman's fallback when count-of-counts cannot give valid discounts (tiny corpora), as KenLM's. */
export const FALLBACK_DISCOUNTS: Discounts = [0.5, 1, 1.5];

/** Discounts for counts 1, 2 and 3+. */
export type Discounts = [number, number, number];

interface Ngram {
  /** Raw count at the highest order, and for n-grams starting with <s>; continuation count otherwise. */
  count: number;
  kept: boolean;
}

interface Context {
  total: number;
  /** Discounted mass of kept n-grams plus the whole count of pruned ones. */
  leftover: number;
}

/**
 * Builds an interpolated modified Kneser-Ney model (Chen & Goodman 1998, with KenLM's conventions:
 * continuation counts below the highest order except for n-grams starting with <s>, unigrams
 * interpolated with the uniform distribution over the vocabulary less <s>, <unk> getting only that
 * uniform share) from normalised sentences (words separated by single spaces).
 */
export function buildKneserNey(sentences: Iterable<string>, options: KneserNeyOptions = {}): ArpaNgram[][] {
  const order = options.order ?? 3;
  if (!Number.isInteger(order) || order < 1) throw new RangeError('order must be a positive integer');
  const ngrams = adjustCounts(countNgrams(sentences, order));
  ngrams[0]!.set(UNKNOWN_WORD, { count: 0, kept: true });
  prune(ngrams, options.prune ?? 0);
  const discounts = ngrams.map(discountsFor);
  const contexts = ngrams.map((ngramsOfOrder, i) => contextsOf(ngramsOfOrder, discounts[i]!));
  const probs: Map<string, number>[] = [];
  for (const [i, ngramsOfOrder] of ngrams.entries()) {
    const lower = (key: string): number => (i === 0 ? 1 / (ngrams[0]!.size - 1) : probs[i - 1]!.get(suffixOf(key))!);
    probs.push(interpolate(ngramsOfOrder, contexts[i]!, discounts[i]!, lower));
  }
  return probs.map((probsOfOrder, i) => toArpaNgrams(probsOfOrder, contexts[i + 1]));
}

/** ARPA text of buildKneserNey's model, in chunks. */
export function* buildArpa(sentences: Iterable<string>, options: KneserNeyOptions = {}): Generator<string> {
  yield* formatArpa(buildKneserNey(sentences, options));
}

/** D1, D2, D3+ from the numbers of n-grams seen once to four times; FALLBACK_DISCOUNTS if those give invalid ones. */
export function modifiedKneserNeyDiscounts(n1: number, n2: number, n3: number, n4: number): Discounts {
  const y = n1 / (n1 + 2 * n2);
  const discounts: Discounts = [1 - (2 * y * n2) / n1, 2 - (3 * y * n3) / n2, 3 - (4 * y * n4) / n3];
  return discounts.every((d, i) => d > 0 && d <= i + 1) ? discounts : FALLBACK_DISCOUNTS;
}

function countNgrams(sentences: Iterable<string>, order: number): Map<string, number>[] {
  const counts = Array.from({ length: order }, () => new Map<string, number>());
  for (const sentence of sentences) {
    const words = sentence.split(' ').filter((word) => word !== '');
    if (words.length === 0) continue;
    const tokens = [SENTENCE_START, ...words, SENTENCE_END];
    for (let n = 1; n <= order; n++) {
      for (let i = 0; i + n <= tokens.length; i++) {
        const key = tokens.slice(i, i + n).join(' ');
        counts[n - 1]!.set(key, (counts[n - 1]!.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** Below the highest order, a count is the number of distinct words seen before the n-gram, except after <s>. */
function adjustCounts(raw: Map<string, number>[]): Map<string, Ngram>[] {
  return raw.map((counts, i) => {
    const adjusted = new Map<string, Ngram>();
    const highest = i === raw.length - 1;
    for (const [key, count] of counts) {
      const raw = highest || key === SENTENCE_START || key.startsWith(`${SENTENCE_START} `);
      adjusted.set(key, { count: raw ? count : 0, kept: true });
    }
    if (!highest) for (const key of raw[i + 1]!.keys()) adjusted.get(suffixOf(key))!.count++;
    return adjusted;
  });
}

function prune(ngrams: Map<string, Ngram>[], cutoff: number): void {
  let needed = new Set<string>();
  for (let i = ngrams.length - 1; i > 0; i--) {
    const neededBelow = new Set<string>();
    for (const [key, ngram] of ngrams[i]!) {
      ngram.kept = ngram.count > cutoff || needed.has(key);
      if (!ngram.kept) continue;
      neededBelow.add(contextOf(key));
      neededBelow.add(suffixOf(key));
    }
    needed = neededBelow;
  }
}

function discountsFor(ngrams: Map<string, Ngram>): Discounts {
  const countOfCounts = [0, 0, 0, 0, 0];
  for (const [, { count }] of predicted(ngrams)) if (count <= 4) countOfCounts[count]!++;
  const [, n1, n2, n3, n4] = countOfCounts as [number, number, number, number, number];
  return modifiedKneserNeyDiscounts(n1, n2, n3, n4);
}

function contextsOf(ngrams: Map<string, Ngram>, discounts: Discounts): Map<string, Context> {
  const contexts = new Map<string, Context>();
  for (const [key, { count, kept }] of predicted(ngrams)) {
    const context = contextOf(key);
    let stats = contexts.get(context);
    if (!stats) contexts.set(context, (stats = { total: 0, leftover: 0 }));
    stats.total += count;
    stats.leftover += kept ? discount(count, discounts) : count;
  }
  return contexts;
}

/** P(w | h) = max(c(h w) - D, 0) / c(h ·) + γ(h) · P(w | h'), with γ(h) the leftover mass over c(h ·). */
function interpolate(
  ngrams: Map<string, Ngram>,
  contexts: Map<string, Context>,
  discounts: Discounts,
  lower: (key: string) => number,
): Map<string, number> {
  const probs = new Map<string, number>();
  for (const [key, { count, kept }] of predicted(ngrams)) {
    if (!kept) continue;
    const { total, leftover } = contexts.get(contextOf(key))!;
    probs.set(key, (count - discount(count, discounts)) / total + (leftover / total) * lower(key));
  }
  return probs;
}

function toArpaNgrams(probs: Map<string, number>, nextContexts: Map<string, Context> | undefined): ArpaNgram[] {
  const ngrams: ArpaNgram[] = [];
  const backoffOf = (key: string): number | undefined => {
    const context = nextContexts?.get(key);
    return context && Math.log10(context.leftover / context.total);
  };
  if (nextContexts?.has(SENTENCE_START)) ngrams.push({ text: SENTENCE_START, log10Prob: -99, log10Backoff: backoffOf(SENTENCE_START) });
  for (const [key, prob] of probs) ngrams.push({ text: key, log10Prob: Math.log10(prob), log10Backoff: backoffOf(key) });
  return ngrams;
}

/** The n-grams whose last word is predicted: all but the unigram <s>. */
function* predicted(ngrams: Map<string, Ngram>): Generator<[string, Ngram]> {
  for (const entry of ngrams) if (entry[0] !== SENTENCE_START) yield entry;
}

function discount(count: number, [d1, d2, d3]: Discounts): number {
  return count === 0 ? 0 : count === 1 ? d1 : count === 2 ? d2 : d3;
}

function contextOf(key: string): string {
  const space = key.lastIndexOf(' ');
  return space === -1 ? '' : key.slice(0, space);
}

function suffixOf(key: string): string {
  return key.slice(key.indexOf(' ') + 1);
}
