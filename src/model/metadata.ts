import { SAMPLE_RATE } from '../audio/format.js';
import type { FeatureConfig } from '../features/config.js';

/** model.json: the contract between a trained model and inference. */
export interface ModelMetadata {
  name: string;
  architecture: string;
  /** Output symbols by index; `blank` is the CTC blank. */
  vocabulary: string[];
  /**
   * What the outputs stand for (absent: characters). "phones": CTC over ARPAbet phones, each written
   * as the one-character code `phones` maps to its phone; words are then written as their
   * pronunciations in the directory's LEXICON_FILE.
   */
  units?: 'chars' | 'phones';
  phones?: Record<string, string>;
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

/**
 * A phone model directory's pronunciation lexicon, gzip-compressed: "word<TAB>pronunciation" lines,
 * the pronunciation in the model's tokens (training/export.py writes it from CMUdict).
 */
export const LEXICON_FILE = 'lexicon.txt.gz';

export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

const REQUIRED: (keyof ModelMetadata)[] = ['vocabulary', 'blank', 'features', 'frameStack', 'frameRate', 'layers', 'hidden', 'streaming'];

/** model.json's text, checked; `source` names where it came from (a file or URL) in errors. */
export function parseModelMetadata(text: string, source: string): ModelMetadata {
  let meta: ModelMetadata;
  try {
    meta = JSON.parse(text) as ModelMetadata;
  } catch (error) {
    throw new ModelLoadError(`${source}: cannot read model metadata (${(error as Error).message})`);
  }
  const missing = REQUIRED.filter((key) => meta[key] === undefined);
  if (missing.length > 0) throw new ModelLoadError(`${source}: missing ${missing.join(', ')}`);
  if (meta.features.sampleRate !== SAMPLE_RATE) {
    throw new ModelLoadError(`${source}: features.sampleRate is ${meta.features.sampleRate}; earshot feeds models ${SAMPLE_RATE} Hz audio`);
  }
  return { ...meta, warps: meta.warps ?? [1] };
}
