import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildArpa, buildKneserNey, FALLBACK_DISCOUNTS, loadArpa, modifiedKneserNeyDiscounts, parseArpa, type NgramLanguageModel } from '../../src/lm/index.js';
import { ROOT } from '../helpers.js';

const CORPUS = ['a b', 'a b', 'b'];

function modelOf(sentences: string[], options: { order?: number; prune?: number }): NgramLanguageModel {
  return parseArpa([...buildArpa(sentences, options)].join(''));
}

function prob(lm: NgramLanguageModel, history: string[], word: string): number {
  let state = lm.nullState();
  for (const w of history) state = w === '<s>' ? lm.startState() : lm.score(state, lm.wordId(w)).state;
  return Math.exp(lm.score(state, lm.wordId(word)).logProb);
}

describe('modifiedKneserNeyDiscounts', () => {
  it("follows Chen & Goodman's formulas", () => {
    // Y = 10 / (10 + 2·5) = 0.5; D1 = 1 - 2·0.5·5/10; D2 = 2 - 3·0.5·3/5; D3+ = 3 - 4·0.5·2/3
    const [d1, d2, d3] = modifiedKneserNeyDiscounts(10, 5, 3, 2);
    expect(d1).toBeCloseTo(0.5, 12);
    expect(d2).toBeCloseTo(1.1, 12);
    expect(d3).toBeCloseTo(3 - 4 / 3, 12);
  });

  it('falls back when the counts of counts cannot give valid discounts', () => {
    expect(modifiedKneserNeyDiscounts(2, 1, 0, 0)).toEqual(FALLBACK_DISCOUNTS);
    expect(modifiedKneserNeyDiscounts(1, 0, 0, 0)).toEqual(FALLBACK_DISCOUNTS);
  });
});

describe('buildKneserNey', () => {
  // Corpus "<s> a b </s>" ×2, "<s> b </s>".
  // Unigram continuation counts: a 1 ({<s>}), b 2 ({<s>, a}), </s> 1 ({b}), <unk> 0: n1 = 2, n2 = 1, n3 = 0,
  // so the fallback discounts (0.5, 1, 1.5); total 4, leftover 0.5 + 1 + 0.5 = 2, γ = 0.5, |V| = 4.
  const unigram = { a: (1 - 0.5) / 4 + 0.5 / 4, b: (2 - 1) / 4 + 0.5 / 4, end: (1 - 0.5) / 4 + 0.5 / 4, unk: 0.5 / 4 };
  // Bigram raw counts: <s> a 2, a b 2, b </s> 3, <s> b 1: n1 = 1, n2 = 2, n3 = 1, n4 = 0,
  // Y = 1/5, D1 = 1 - 2·0.2·2 = 0.2, D2 = 2 - 3·0.2·1/2 = 1.7, D3+ = 3 - 0 = 3.
  const [d1, d2, d3] = [0.2, 1.7, 3];

  it('gives hand-computed interpolated probabilities', () => {
    const lm = modelOf(CORPUS, { order: 2 });
    expect(prob(lm, [], 'a')).toBeCloseTo(unigram.a, 6);
    expect(prob(lm, [], 'b')).toBeCloseTo(unigram.b, 6);
    expect(prob(lm, [], '</s>')).toBeCloseTo(unigram.end, 6);
    expect(prob(lm, [], 'zebra')).toBeCloseTo(unigram.unk, 6);
    const gammaStart = (d2 + d1) / 3;
    expect(prob(lm, ['<s>'], 'a')).toBeCloseTo((2 - d2) / 3 + gammaStart * unigram.a, 6);
    expect(prob(lm, ['<s>'], 'b')).toBeCloseTo((1 - d1) / 3 + gammaStart * unigram.b, 6);
    expect(prob(lm, ['<s>'], '</s>')).toBeCloseTo(gammaStart * unigram.end, 6);
    expect(prob(lm, ['a'], 'b')).toBeCloseTo((2 - d2) / 2 + (d2 / 2) * unigram.b, 6);
    expect(prob(lm, ['a'], 'a')).toBeCloseTo((d2 / 2) * unigram.a, 6);
    expect(prob(lm, ['b'], '</s>')).toBeCloseTo((3 - d3) / 3 + (d3 / 3) * unigram.end, 6);
  });

  it('moves the whole count of pruned n-grams to the back-off', () => {
    const lm = modelOf(CORPUS, { order: 2, prune: 1 });
    // "<s> b" (count 1) is pruned: γ(<s>) = (D2 + 1) / 3.
    const gammaStart = (d2 + 1) / 3;
    expect(prob(lm, ['<s>'], 'a')).toBeCloseTo((2 - d2) / 3 + gammaStart * unigram.a, 6);
    expect(prob(lm, ['<s>'], 'b')).toBeCloseTo(gammaStart * unigram.b, 6);
    expect(buildKneserNey(CORPUS, { order: 2, prune: 1 })[1]!.map((n) => n.text)).toEqual(['<s> a', 'a b', 'b </s>']);
  });

  it('uses continuation counts for lower orders and raw counts after <s>', () => {
    // Trigram model: bigram "a b" has continuation count 1 ({<s>}), "<s> a" its raw count 2.
    const ngrams = buildKneserNey(CORPUS, { order: 3 });
    expect(ngrams.map((order) => order.length)).toEqual([5, 4, 3]);
    expect(ngrams[0]![0]).toMatchObject({ text: '<s>', log10Prob: -99 });
    expect(ngrams[2]!.every((n) => n.log10Backoff === undefined)).toBe(true);
  });

  it.each([
    { order: 3, prune: 0 },
    { order: 3, prune: 1 },
    { order: 4, prune: 2 },
  ])('gives distributions that sum to 1 for every history (%o)', (options) => {
    const sentences = randomCorpus(300, 42);
    const lm = modelOf(sentences, options);
    const ngrams = buildKneserNey(sentences, options);
    const vocabulary = ngrams[0]!.map((n) => n.text).filter((w) => w !== '<s>');
    const histories = [[], ['<s>'], ['q', 'q'], ...ngrams.slice(0, -1).flat().map((n) => n.text.split(' '))];
    for (const history of histories) {
      if (history.at(-1) === '</s>') continue;
      const total = vocabulary.reduce((sum, word) => sum + prob(lm, history, word), 0);
      expect(Math.abs(total - 1)).toBeLessThan(1e-6);
    }
  });
});

function randomCorpus(sentences: number, seed: number): string[] {
  let state = seed;
  const random = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', 'to', 'it', 'q'];
  return Array.from({ length: sentences }, () => {
    const length = 1 + Math.floor(random() * 6);
    // Skewed word choice, so counts of counts vary.
    return Array.from({ length }, () => words[Math.floor(random() ** 2 * words.length)]!).join(' ');
  });
}

describe('training/build_lm.mjs --text', () => {
  it('builds a gzipped ARPA model from your own sentences, normalised, that loadArpa reads', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-lm-'));
    writeFileSync(path.join(dir, 'commands.txt'), 'Turn on the lights.\r\nturn off the lights\nSet a timer for 5 minutes\n');
    const out = path.join(dir, 'commands.arpa.gz');
    await promisify(execFile)('node', [path.join(ROOT, 'training/build_lm.mjs'), '--text', path.join(dir, 'commands.txt'), '--out', out]);
    const lm = await loadArpa(out);
    expect(prob(lm, ['<s>', 'turn', 'on'], 'the')).toBeGreaterThan(0.5);
    expect(prob(lm, ['set', 'a', 'timer', 'for'], 'five')).toBeGreaterThan(0.5);
  });
});
