import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArpaFormatError, formatArpa, loadArpa, NO_WORD, OOV_LOG_PROB, parseArpa } from '../../src/lm/index.js';

const TINY = `
some preamble the parser skips
\\data\\
ngram 1=5
ngram 2=4
ngram 3=2

\\1-grams:
-1.0\t<s>\t-0.5
-0.5\ta\t-0.3
-0.7\tb\t-0.2
-1.2\t</s>
-2.0\t<unk>

\\2-grams:
-0.2 <s> a -0.1
-0.4 a b -0.15
-0.3 b </s>
-0.6 a a

\\3-grams:
-0.05 <s> a b
-0.1 a b </s>

\\end\\
`;

const ln = (log10: number): number => log10 * Math.LN10;

describe('parseArpa and NgramLanguageModel', () => {
  const lm = parseArpa(TINY);
  const id = (word: string): number => lm.wordId(word);

  it('reads the order and the vocabulary', () => {
    expect(lm.order).toBe(3);
    expect(lm.vocabularySize).toBe(5);
    expect(lm.has('a')).toBe(true);
    expect(lm.has('zebra')).toBe(false);
    expect(lm.has('<unk>')).toBe(false);
  });

  it('scores explicit n-grams of each order, in natural log', () => {
    const afterA = lm.score(lm.startState(), id('a'));
    expect(afterA.logProb).toBeCloseTo(ln(-0.2), 6);
    const afterAB = lm.score(afterA.state, id('b'));
    expect(afterAB.logProb).toBeCloseTo(ln(-0.05), 6);
    expect(lm.endScore(afterAB.state)).toBeCloseTo(ln(-0.1), 6);
  });

  it('backs off through every level: P(a | a b) = bow(a b) + bow(b) + P(a)', () => {
    const afterAB = lm.score(lm.score(lm.startState(), id('a')).state, id('b')).state;
    const next = lm.score(afterAB, id('a'));
    expect(next.logProb).toBeCloseTo(ln(-0.15 - 0.2 - 0.5), 6);
    expect(next.state).toBe(lm.score(lm.nullState(), id('a')).state);
  });

  it('gives histories with the same relevant suffix the same state', () => {
    const viaStart = lm.score(lm.score(lm.startState(), id('a')).state, id('b')).state;
    const afterAA = lm.score(lm.score(lm.startState(), id('a')).state, id('a'));
    expect(afterAA.logProb).toBeCloseTo(ln(-0.1 - 0.6), 6);
    const viaAA = lm.score(afterAA.state, id('b'));
    expect(viaAA.logProb).toBeCloseTo(ln(-0.4), 6);
    expect(viaAA.state).toBe(viaStart);
  });

  it('scores out-of-vocabulary words as <unk>', () => {
    expect(id('zebra')).toBe(id('<unk>'));
    expect(lm.score(lm.startState(), id('zebra')).logProb).toBeCloseTo(ln(-0.5 - 2.0), 6);
  });

  it('gives a fixed penalty when the model has no <unk>', () => {
    const noUnk = parseArpa('\\data\\\nngram 1=2\n\\1-grams:\n-0.3 <s>\n-0.1 a\n\\end\\\n');
    expect(noUnk.wordId('zebra')).toBe(NO_WORD);
    expect(noUnk.score(noUnk.startState(), NO_WORD)).toEqual({ logProb: OOV_LOG_PROB, state: noUnk.nullState() });
  });

  it('reports malformed input with the line number', () => {
    expect(() => parseArpa('\\data\\\nngram 1=1\n\\1-grams:\n-0.1 a\n')).toThrow(/without \\end\\/);
    expect(() => parseArpa('\\data\\\nngram 1=1\n\\1-grams:\nx a\n\\end\\\n')).toThrow(/line 4: "x" is not a number/);
    expect(() => parseArpa('\\data\\\nngram 1=1\nngram 2=1\n\\1-grams:\n-1 a\n\\2-grams:\n-1 b a\n\\end\\\n')).toThrow(ArpaFormatError);
    expect(() => parseArpa('\\data\\\nngram 1=1\nngram 2=1\n\\1-grams:\n-1 a\n\\2-grams:\n-1 a a a a\n\\end\\\n')).toThrow(/expected 2 words/);
  });

  it('round-trips through formatArpa', () => {
    const text = [...formatArpa([
      [
        { text: '<s>', log10Prob: -99, log10Backoff: -0.25 },
        { text: 'a', log10Prob: -0.3 },
        { text: '</s>', log10Prob: -0.2 },
      ],
      [{ text: '<s> a', log10Prob: -0.1 }],
    ])].join('');
    const model = parseArpa(text);
    expect(model.score(model.startState(), model.wordId('a')).logProb).toBeCloseTo(ln(-0.1), 6);
    expect(model.endScore(model.startState())).toBeCloseTo(ln(-0.25 - 0.2), 6);
  });
});

describe('loadArpa', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true });
  });

  it('reads plain and gzip-compressed files', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'earshot-lm-'));
    await writeFile(path.join(dir, 'lm.arpa'), TINY);
    await writeFile(path.join(dir, 'lm.arpa.gz'), gzipSync(TINY));
    for (const file of ['lm.arpa', 'lm.arpa.gz']) {
      const model = await loadArpa(path.join(dir, file));
      expect(model.score(model.startState(), model.wordId('a')).logProb).toBeCloseTo(ln(-0.2), 6);
    }
  });
});
