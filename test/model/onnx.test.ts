import { mkdtempSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES } from '../../src/features/index.js';
import { loadLanguageModel } from '../../src/lm/index.js';
import { LEXICON_FILE, ModelLoadError, OnnxAcousticModel, readModelMetadata } from '../../src/model/index.js';
import { DEFAULT_MODEL_DIR, loadModelLanguageModel, Model, transcribeSamples } from '../../src/recognizer/index.js';
import { loadSample, ROOT } from '../helpers.js';
import { compareWithReference, type ModelReference } from './reference.js';

describe('the shipped model', () => {
  let model: OnnxAcousticModel;
  beforeAll(async () => {
    model = await OnnxAcousticModel.load(DEFAULT_MODEL_DIR);
  });
  afterAll(() => model.release());

  it('runs in onnxruntime-node as in PyTorch, within 1e-4 (fixture written by training/export.py)', async () => {
    const ref = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/model-reference.json'), 'utf8')) as ModelReference;
    expect(await compareWithReference(model, ref)).toBeLessThan(1e-4);
  });

  it('carries the feature settings inference computes, and streaming chunk sizes', () => {
    expect(model.metadata.features).toEqual(DEFAULT_FEATURES);
    expect(model.metadata.streaming.chunkFrames).toBeGreaterThan(0);
    expect(model.metadata.frameRate).toBeCloseTo(100 / model.metadata.frameStack, 6);
    expect(model.metadata.vocabulary[model.metadata.blank]).toBe('<blank>');
  });

  it('falls back to CPU with a message when CUDA is asked for but absent', async () => {
    const warnings: string[] = [];
    const cuda = await OnnxAcousticModel.load(DEFAULT_MODEL_DIR, { provider: 'cuda', onWarning: (m) => warnings.push(m) });
    expect(cuda.provider === 'cuda' || warnings.some((w) => /CUDA is not available/.test(w))).toBe(true);
    await cuda.release();
  });
});

describe('loading a model directory', () => {
  /** A copy of the shipped model's directory with model.json edited and the given files beside it. */
  function modelCopy(edit: (meta: Record<string, any>) => void, files: Record<string, string> = {}): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-model-'));
    const meta = JSON.parse(readFileSync(path.join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8')) as Record<string, any>;
    edit(meta);
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(meta));
    for (const name of ['model.onnx', LEXICON_FILE]) symlinkSync(path.join(DEFAULT_MODEL_DIR, name), path.join(dir, name));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }

  it('refuses a model whose features expect another sample rate, naming the file', async () => {
    const dir = modelCopy((meta) => (meta.features.sampleRate = 8000));
    const error = await Model.load(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).name).toBe('ModelLoadError');
    expect((error as Error).message).toMatch(/model\.json: features\.sampleRate is 8000; earshot feeds models 16000 Hz audio/);
  });

  it('refuses a phone model without its pronunciation lexicon, naming it', async () => {
    const dir = modelCopy((meta) => (meta.units = 'phones'));
    unlinkSync(path.join(dir, LEXICON_FILE));
    const error = await Model.load(dir, { lm: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/a phone model needs its pronunciation lexicon \(lexicon\.txt\.gz\)/);
  });

  it('reads a model.json without warps as a single unwarped view', async () => {
    const meta = await readModelMetadata(modelCopy((m) => delete m.warps));
    expect(meta.warps).toEqual([1]);
  });

  it('reports a broken language model as a ModelLoadError that names it', async () => {
    const dir = modelCopy(() => {}, { 'lm.arpa.gz': 'not gzip at all' });
    const error = await Model.load(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toContain(`${path.join(dir, 'lm.arpa.gz')}: cannot load the language model`);
    const missing = await Model.load(dir, { lm: path.join(dir, 'nowhere.arpa') }).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/nowhere\.arpa: cannot load the language model \(.*ENOENT/);
  });

  it('writes lm.bin beside lm.arpa.gz and reads it on later loads; alone, a corrupt lm.bin is a ModelLoadError that names it', async () => {
    const arpa = '\\data\\\nngram 1=3\n\\1-grams:\n-99\t<s>\n-0.5\tyes\n-0.5\t</s>\n\\end\\\n';
    const dir = modelCopy(() => {}, { 'lm.arpa.gz': arpa });
    await (await Model.load(dir)).release();
    const binary = await loadLanguageModel(path.join(dir, 'lm.bin'));
    expect([...binary.words()].map(([word]) => word)).toEqual(['<s>', 'yes', '</s>']);
    const corrupt = modelCopy(() => {}, { 'lm.bin': 'EARSHOTL and then nonsense' });
    const error = await Model.load(corrupt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/lm\.bin: cannot load the language model \(binary LM: /);
  });

  it("warns that a user's LM words a phone model's lexicon lacks cannot be recognised", async () => {
    const dir = modelCopy(() => {}, { 'mine.arpa': '\\data\\\nngram 1=4\n\\1-grams:\n-99\t<s>\n-0.5\tyes\n-0.5\tqzxv\n-0.5\t</s>\n\\end\\\n' });
    const warnings: string[] = [];
    await (await Model.load(dir, { lm: path.join(dir, 'mine.arpa'), onWarning: (w) => warnings.push(w) })).release();
    expect(warnings).toEqual([expect.stringMatching(/1 of the 2 words of .*mine\.arpa are not in the model's pronunciation lexicon and cannot be recognised \("qzxv"\)/)]);
  });

  it('takes the [unk] threshold of its model.json, with and without an LM', async () => {
    const samples = loadSample('cathy-arctic_a0040.wav');
    const grammar = ['turn on the lights', '[unk]'];
    const shippedLm = (await loadModelLanguageModel(DEFAULT_MODEL_DIR))!.binary;
    for (const lm of [true, false]) {
      const results = [];
      for (const unkThreshold of [0, 1000]) {
        const model = await Model.load(modelCopy((meta) => (meta.decoder = { ...meta.decoder, unkThreshold })), { lm: lm && shippedLm });
        results.push((await transcribeSamples(model, samples, { grammar })).text);
        await model.release();
      }
      expect(results).toEqual(['[unk]', 'turn on the lights']);
    }
  });

  it('uses the given beam settings for grammar sessions when it decodes without an LM', async () => {
    const model = await Model.load(DEFAULT_MODEL_DIR, { lm: false, decoder: { beam: 1 } });
    const stream = model.createStream({ grammar: ['yes', 'no'] });
    expect(['yes', 'no', '']).toContain((await stream.finalResult()).text);
    await model.release();
  });
});
