import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildArpa, loadArpa, UNKNOWN_WORD, type NgramLanguageModel } from '../../src/lm/index.js';
import { ROOT } from '../helpers.js';

const run = promisify(execFile);
const WEIGHT = 0.3;
const FIRST = ['turn on the light', 'turn off the light', 'what time is it'];
const SECOND = ['the light of the moon', 'it is time to go', 'turn the page'];

/** P(word | <s> history), 0 for a word outside the model's vocabulary (not <unk>'s probability). */
function prob(lm: NgramLanguageModel, history: string[], word: string): number {
  if (word !== UNKNOWN_WORD && !lm.has(word)) return 0;
  let state = lm.startState();
  for (const w of history) state = lm.score(state, lm.wordId(w)).state;
  return Math.exp(lm.score(state, lm.wordId(word)).logProb);
}

async function mixed(extra: string[] = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-mix-'));
  const write = (name: string, sentences: string[]) => {
    writeFileSync(path.join(dir, name), gzipSync([...buildArpa(sentences, { order: 3 })].join('')));
    return path.join(dir, name);
  };
  const [first, second, out] = [write('a.arpa.gz', FIRST), write('b.arpa.gz', SECOND), path.join(dir, 'mixed.arpa.gz')];
  await run('/usr/bin/python3', [path.join(ROOT, 'training/mix_lm.py'), first, second, '--weight', String(WEIGHT), '--out', out, ...extra]);
  return { out, models: await Promise.all([loadArpa(first), loadArpa(second), loadArpa(out)]) };
}

/** The n-gram counts an ARPA file's header gives, by order. */
function arpaCounts(file: string): number[] {
  return [...gunzipSync(readFileSync(file)).toString('utf8').matchAll(/^ngram \d+=(\d+)$/gm)].map((m) => Number(m[1]));
}

describe('training/mix_lm.py', () => {
  it('interpolates listed n-grams exactly and keeps every history a distribution', async () => {
    const [a, b, mix] = (await mixed()).models;
    const vocabulary = [...mix.words()].map(([w]) => w).filter((w) => w !== '<s>');
    expect(vocabulary).toContain('moon');
    expect(vocabulary).toContain('what');
    for (const [history, word] of [[[], 'turn'], [['turn'], 'the'], [['on', 'the'], 'light'], [['turn', 'the'], 'page'], [['it'], 'is']] as const) {
      expect(prob(mix, [...history], word)).toBeCloseTo(WEIGHT * prob(a, [...history], word) + (1 - WEIGHT) * prob(b, [...history], word), 5);
    }
    for (const history of [[], ['the'], ['turn', 'the'], ['time', 'is'], ['moon']]) {
      const total = vocabulary.reduce((sum, w) => sum + prob(mix, history, w), 0);
      expect(total).toBeCloseTo(1, 4);
    }
  });

  it('prunes to --keep bigrams and trigrams, keeping their histories, and every history a distribution', async () => {
    const full = arpaCounts((await mixed()).out);
    const { out, models } = await mixed(['--keep', '10']);
    const counts = arpaCounts(out);
    const pruned = models[2];
    expect(full[1] + full[2]).toBeGreaterThan(20);
    expect(counts[1] + counts[2]).toBeGreaterThanOrEqual(10);
    expect(counts[1] + counts[2]).toBeLessThanOrEqual(20);
    expect(counts[0]).toBe(full[0]);
    const vocabulary = [...pruned.words()].map(([w]) => w).filter((w) => w !== '<s>');
    for (const history of [[], ['the'], ['turn', 'the'], ['time', 'is'], ['moon']]) {
      expect(vocabulary.reduce((sum, w) => sum + prob(pruned, history, w), 0)).toBeCloseTo(1, 4);
    }
  });
});
