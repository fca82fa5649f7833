import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_RATE } from '../audio/index.js';
import type { FeatureConfig } from '../features/index.js';

/** model.json: the contract between a trained model and inference. */
export interface ModelMetadata {
  name: string;
  architecture: string;
  /** Output symbols by index; `blank` is the CTC blank. */
  vocabulary: string[];
  blank: number;
  features: FeatureConfig;
  /** Feature frames stacked into one model frame. */
  frameStack: number;
  /** Model output frames per second. */
  frameRate: number;
  layers: number;
  hidden: number;
  /**
   * Frequency warps of the final pass's test-time ensemble, the unwarped 1 first: the ONNX graph
   * runs as many views as the forward state holds, live windows the first alone. Loading fills in
   * [1] when model.json has none.
   */
  warps: number[];
  /** Latency-controlled windows for live recognition, in model frames. */
  streaming: { chunkFrames: number; lookaheadFrames: number };
  /** Beam search settings tuned on the dev sets with this model's language model. */
  decoder?: { beam?: number; alpha?: number; beta?: number; unkPenalty?: number; unkThreshold?: number };
  provenance: Record<string, unknown>;
  dev: Record<string, { wer: number; cer: number }>;
}

export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

const REQUIRED: (keyof ModelMetadata)[] = ['vocabulary', 'blank', 'features', 'frameStack', 'frameRate', 'layers', 'hidden', 'streaming'];

export async function readModelMetadata(dir: string): Promise<ModelMetadata> {
  const file = path.join(dir, 'model.json');
  let meta: ModelMetadata;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as ModelMetadata;
  } catch (error) {
    throw new ModelLoadError(`${file}: cannot read model metadata (${(error as Error).message})`);
  }
  const missing = REQUIRED.filter((key) => meta[key] === undefined);
  if (missing.length > 0) throw new ModelLoadError(`${file}: missing ${missing.join(', ')}`);
  if (meta.features.sampleRate !== SAMPLE_RATE) {
    throw new ModelLoadError(`${file}: features.sampleRate is ${meta.features.sampleRate}; earshot feeds models ${SAMPLE_RATE} Hz audio`);
  }
  return { ...meta, warps: meta.warps ?? [1] };
}
