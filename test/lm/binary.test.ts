import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BinaryLmFormatError,
  buildKneserNey,
  formatArpa,
  loadArpa,
  loadArpaViaBinary,
  loadLanguageModel,
  NgramLanguageModel,
  OOV_LOG_PROB,
  parseArpa,
  writeBinaryLm,
  type ArpaNgram,
} from '../../src/lm/index.js';

/** Deterministic pseudo-random sentences over a small vocabulary, so the models have every kind of back-off. */
function sentences(count: number, seed: number): string[] {
  const words = 'the a cat dog sat on mat ran to house big small red one two'.split(' ');
  let state = seed;
  const next = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + next(7) }, () => words[next(words.length)]).join(' '));
}

/** ln P(word | history) straight from the ARPA definition: the n-gram's probability, else the history's back-off plus P(word | shorter history). */
function referenceScore(table: Map<string, ArpaNgram>, order: number, history: string[], word: string): number {
  const context = history.slice(Math.max(0, history.length - (order - 1)));
  for (let logProb = 0; ; context.shift()) {
    const ngram = table.get([...context, word].join(' '));
    if (ngram) return (logProb + ngram.log10Prob) * Math.LN10;
    if (context.length === 0) return OOV_LOG_PROB;
    logProb += table.get(context.join(' '))?.log10Backoff ?? 0;
  }
}

function scoresOf(lm: NgramLanguageModel, sentence: string[]): number[] {
  let state = lm.startState();
  const scores = sentence.map((word) => {
    const next = lm.score(state, lm.wordId(word));
    state = next.state;
    return next.logProb;
  });
  return [...scores, lm.endScore(state)];
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-lm-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the binary form', () => {
  for (const order of [1, 3, 4]) {
    it(`scores an order-${order} model as the ARPA definition does, read from ARPA and from lm.bin alike`, async () => {
      const ngrams = buildKneserNey(sentences(300, order), { order });
      const arpa = [...formatArpa(ngrams)].join('');
      // The table holds the values as printed, which is what the parser reads.
      const table = new Map(parseTable(arpa).map((n) => [n.text, n]));
      const fromArpa = parseArpa(arpa);
      const file = path.join(dir, `order${order}.bin`);
      await writeBinaryLm(fromArpa, file);
      const fromBinary = await loadLanguageModel(file);
      expect(fromBinary.order).toBe(order);
      expect([...fromBinary.words()]).toEqual([...fromArpa.words()]);
      for (const text of [...sentences(200, 99), 'zebra the cat', 'the the the the the']) {
        const sentence = text.split(' ');
        const expected = [...sentence, '</s>'].map((word, i) => {
          const known = table.has(word) ? word : '<unk>';
          return referenceScore(table, order, ['<s>', ...sentence.slice(0, i).map((w) => (table.has(w) ? w : '<unk>'))], known);
        });
        const scores = scoresOf(fromArpa, sentence);
        scores.forEach((score, i) => expect(score).toBeCloseTo(expected[i]!, 5));
        expect(scoresOf(fromBinary, sentence)).toEqual(scores);
      }
    });
  }

  it('is shared, not copied: a model over another model\'s binary form scores from the same memory', () => {
    const lm = parseArpa([...formatArpa(buildKneserNey(sentences(50, 7)))].join(''));
    expect(lm.binary.buffer).toBeInstanceOf(SharedArrayBuffer);
    const view = NgramLanguageModel.fromBinary(lm.binary);
    expect(view.binary.buffer).toBe(lm.binary.buffer);
    expect(scoresOf(view, ['the', 'cat', 'sat'])).toEqual(scoresOf(lm, ['the', 'cat', 'sat']));
  });

  it('refuses corrupt bytes with a BinaryLmFormatError that says what is wrong', () => {
    const good = parseArpa([...formatArpa(buildKneserNey(sentences(50, 7)))].join('')).binary;
    const corrupt = (edit: (bytes: Uint8Array, view: DataView) => void): Uint8Array => {
      const bytes = good.slice();
      edit(bytes, new DataView(bytes.buffer));
      return bytes;
    };
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('\\data\\\nngram 1=1\n'), /bad magic/],
      [good.subarray(0, good.length - 4), /truncated/],
      [corrupt((_, view) => view.setUint32(8, 7, true)), /format version 7; this earshot reads version 1/],
      [corrupt((_, view) => view.setUint32(20, 3, true)), /truncated|vocabulary/],
      // The last node's back-off link (suffix, the second last section) made to point at itself.
      [corrupt((bytes, view) => view.setInt32(bytes.length - 4 * (contexts(good) + 1) - 4, nodes(good) - 1, true)), /backs off to node/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => NgramLanguageModel.fromBinary(bytes)).toThrow(BinaryLmFormatError);
      expect(() => NgramLanguageModel.fromBinary(bytes)).toThrow(message);
    }
  });
});

describe('loadArpaViaBinary', () => {
  it('writes the binary form beside the ARPA once, reads it while the ARPA is unchanged, and remakes it when the ARPA changes', async () => {
    const arpa = path.join(dir, 'cached.arpa.gz');
    const binary = path.join(dir, 'cached.bin');
    const failures: Error[] = [];
    writeFileSync(arpa, gzipSync([...formatArpa(buildKneserNey(sentences(100, 1)))].join('')));
    const first = await loadArpaViaBinary(arpa, binary, (e) => failures.push(e));
    expect(readFileSync(binary)).toEqual(Buffer.from(first.binary));
    expect(first.source).toMatch(/^[0-9a-f]{64}$/);
    const written = statSync(binary).mtimeMs;
    const second = await loadArpaViaBinary(arpa, binary, (e) => failures.push(e));
    expect(statSync(binary).mtimeMs).toBe(written);
    expect(second.source).toBe(first.source);
    expect(scoresOf(second, ['the', 'cat'])).toEqual(scoresOf(await loadArpa(arpa), ['the', 'cat']));

    writeFileSync(arpa, gzipSync([...formatArpa(buildKneserNey(sentences(100, 2)))].join('')));
    const third = await loadArpaViaBinary(arpa, binary, (e) => failures.push(e));
    expect(third.source).not.toBe(first.source);
    expect((await loadLanguageModel(binary)).source).toBe(third.source);
    expect(failures).toEqual([]);
  });

  it('loads the ARPA and reports the failure when the binary form cannot be written', async () => {
    const arpa = path.join(dir, 'elsewhere.arpa');
    writeFileSync(arpa, [...formatArpa(buildKneserNey(sentences(20, 3)))].join(''));
    const failures: Error[] = [];
    const lm = await loadArpaViaBinary(arpa, path.join(dir, 'no', 'such', 'folder', 'lm.bin'), (e) => failures.push(e));
    expect(lm.vocabularySize).toBeGreaterThan(3);
    expect(failures).toHaveLength(1);
  });
});

function parseTable(arpa: string): ArpaNgram[] {
  const ngrams: ArpaNgram[] = [];
  for (const line of arpa.split('\n')) {
    const fields = line.split('\t');
    if (fields.length < 2) continue;
    ngrams.push({ log10Prob: Number(fields[0]), text: fields[1]!, log10Backoff: fields[2] === undefined ? undefined : Number(fields[2]) });
  }
  return ngrams;
}

function nodes(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const order = view.getUint32(12, true);
  return 1 + Array.from({ length: order }, (_, i) => view.getUint32(20 + 4 * i, true)).reduce((a, b) => a + b, 0);
}

function contexts(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const order = view.getUint32(12, true);
  return nodes(bytes) - view.getUint32(20 + 4 * (order - 1), true);
}
