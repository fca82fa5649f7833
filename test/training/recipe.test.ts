import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OnnxAcousticModel } from '../../src/model/index.js';
import { CLI, ROOT, SAMPLES_DIR } from '../helpers.js';
import { compareWithReference, type ModelReference } from '../model/reference.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const env = { ...process.env, OMP_NUM_THREADS: '1' };

/** Features of the bundled samples, as a train manifest in `dir`, through `earshot features`. */
async function sampleFeatures(dir: string): Promise<{ features: string; index: string }> {
  const clips = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.wav'));
  const rows = clips.map((f) => `${path.join(SAMPLES_DIR, f)}\t${readFileSync(path.join(SAMPLES_DIR, f.replace('.wav', '.txt')), 'utf8').trim()}\ts\ttrain\t3`);
  writeFileSync(path.join(dir, 'manifest.tsv'), ['audio\ttext\tspeaker\tsplit\tseconds', ...rows].join('\n') + '\n');
  const features = path.join(dir, 'features');
  await run('node', [CLI, 'features', path.join(dir, 'manifest.tsv'), '--out', features]);
  return { features, index: path.join(features, 'index.tsv') };
}

describe('training recipe smoke test', () => {
  it('computes features, trains a tiny model two epochs, averages them, exports ONNX that onnxruntime-node runs like PyTorch', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-recipe-'));
    const { features, index } = await sampleFeatures(dir);
    await run(PYTHON, [
      path.join(ROOT, 'training/train.py'), '--train', index, '--dev', `smoke=${index}`, '--out', path.join(dir, 'train'),
      '--epochs', '2', '--hidden', '16', '--layers', '2', '--max-frames', '1000', '--warmup', '1', '--lc-prob', '0.5',
    ], { env });
    const epochs = path.join(dir, 'train/epochs');
    expect(readdirSync(epochs)).toEqual(['001.pt', '002.pt']);
    const average = path.join(dir, 'average.pt');
    await run(PYTHON, [
      path.join(ROOT, 'training/average.py'), '--out', average, path.join(epochs, '001.pt'), path.join(epochs, '002.pt'), '--dev', `smoke=${index}`,
    ], { env });
    const fixture = path.join(dir, 'reference.json');
    await run(PYTHON, [
      path.join(ROOT, 'training/export.py'), '--checkpoint', average, '--features', path.join(features, 'config.json'),
      '--out-dir', dir, '--name', 'tiny', '--fixture', fixture,
    ], { env });

    const model = await OnnxAcousticModel.load(path.join(dir, 'tiny'));
    expect(model.metadata.vocabulary).toHaveLength(29);
    expect(model.metadata.features.hop).toBe(160);
    const worst = await compareWithReference(model, JSON.parse(readFileSync(fixture, 'utf8')) as ModelReference);
    expect(worst).toBeLessThan(1e-4);
    await model.release();
  });

  it('spells transcripts in CMUdict phones and exports a phone model whose model.json carries the phone table', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-phones-'));
    const spelled = await run(PYTHON, ['-c', [
      'from units import Units',
      'u = Units("phones")',
      'print(u.spell("the cat")); print(u.spell("the plasmoid")); print(u.reference("the plasmoid"))',
      'print(u.pronounce_missing(["the plasmoid"])); print(u.spell("the plasmoid")); print(u.reference("the plasmoid"))',
    ].join('\n')], { env, cwd: path.join(ROOT, 'training') });
    // DH AH, K AE T in the codes of units.PHONE_CODES; "plasmoid" is not in CMUdict. espeak-ng's P L AE Z M OY D
    // then spells it for training, and references stay CMUdict's.
    expect(spelled.stdout.split('\n')).toEqual(['jc tbE', 'None', 'jc ?', '1', 'jc AubLvzi', 'jc ?', '']);

    const { features, index } = await sampleFeatures(dir);
    await run(PYTHON, [
      path.join(ROOT, 'training/train.py'), '--units', 'phones', '--train', index, '--dev', `smoke=${index}`, '--out', path.join(dir, 'train'),
      '--epochs', '1', '--hidden', '16', '--layers', '2', '--max-frames', '1000', '--warmup', '1',
    ], { env });
    await run(PYTHON, [
      path.join(ROOT, 'training/export.py'), '--checkpoint', path.join(dir, 'train/epochs/001.pt'), '--features', path.join(features, 'config.json'),
      '--out-dir', dir, '--name', 'tiny-phones', '--fixture', path.join(dir, 'reference.json'),
    ], { env });
    const meta = JSON.parse(readFileSync(path.join(dir, 'tiny-phones', 'model.json'), 'utf8'));
    expect(meta.units).toBe('phones');
    expect(meta.vocabulary).toHaveLength(41);
    expect(meta.phones.j).toBe('DH');
    expect(meta.architecture).toContain('CTC over phones');
    const lexicon = gunzipSync(readFileSync(path.join(dir, 'tiny-phones', 'lexicon.txt.gz'))).toString('utf8').split('\n');
    expect(lexicon).toContain('cat\ttbE');
    expect(lexicon.filter((line) => line.startsWith('a\t'))).toEqual(['a\tc', 'a\tm']); // AH, EY
  });

  it("maps espeak-ng's phonemes to ARPAbet and adds the LM's book words CMUdict lacks to the lexicon", async () => {
    const mapped = await run(PYTHON, ['-c', [
      'from g2p import espeak_to_arpabet as m',
      // "coverlet", "mister" (a linking r after the r-coloured vowel), "engineering" (i@3 then r), a phoneme the table lacks
      'for p in ["k\'Vv3lI2t", "m\'Ist3r-", "EndZI2n\'i@3rIN", "Q\'a"]: print(m(p))',
    ].join('\n')], { env, cwd: path.join(ROOT, 'training') });
    expect(mapped.stdout.split('\n')).toEqual([
      "['K', 'AH', 'V', 'ER', 'L', 'IH', 'T']", "['M', 'IH', 'S', 'T', 'ER']", "['EH', 'N', 'JH', 'IH', 'N', 'IH', 'R', 'IH', 'NG']", 'None', '',
    ]);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-lexicon-'));
    const lm = path.join(dir, 'lm.arpa.gz');
    const unigrams = [['-1', '<s>'], ['-1', 'the'], ['-2', 'coverlet'], ['-2', 'vexatiousness'], ['-3', 'zoq'], ['-1', '</s>']];
    writeFileSync(lm, gzipSync(`\\data\\\nngram 1=${unigrams.length}\n\n\\1-grams:\n${unigrams.map((u) => u.join('\t')).join('\n')}\n\n\\end\\\n`));
    const text = path.join(dir, 'text.txt');
    // "vexatiousness" occurs once, too rarely; "zoq" is too short.
    writeFileSync(text, 'The coverlet was red.\nA coverlet, and vexatiousness.\nZoq zoq zoq.\n');
    const out = path.join(dir, 'lexicon.txt.gz');
    await run(PYTHON, [path.join(ROOT, 'training/lexicon.py'), '--lm', lm, '--text', text, '--out', out], { env });
    const lexicon = gunzipSync(readFileSync(out)).toString('utf8').split('\n');
    expect(lexicon.slice(0, 3)).toEqual(['the\tjc', 'the\tjr', 'coverlet\ttcIluqE']); // DH AH, DH IY; K AH V ER L IH T
    expect(lexicon.some((line) => /^(vexatiousness|zoq)\t/.test(line))).toBe(false);
  });
});
