import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES } from '../../src/features/index.js';
import { OnnxAcousticModel } from '../../src/model/index.js';
import { DEFAULT_MODEL_DIR } from '../../src/recognizer/index.js';
import { ROOT } from '../helpers.js';
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
