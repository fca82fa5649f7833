import { compileContext } from '../../src/intent/index.js';
import type { FinalResult, PartialResult, RecognitionModel, StreamOptions, WordResult } from '../../src/recognizer/index.js';

export type Result = PartialResult | FinalResult;

export interface RecogniseOptions extends Omit<StreamOptions, 'context'> {
  /** Samples per acceptWaveform call (default 1600: 0.1 s). */
  chunk?: number;
  /** A context file's text, compiled on each side. */
  context?: string;
}

/** Node's side of harness.js's recognise: the same loop over the same samples. */
export async function recognise(model: RecognitionModel, samples: Float32Array, { chunk = 1600, context, ...options }: RecogniseOptions = {}): Promise<Result[]> {
  const stream = model.createStream({ ...options, context: context === undefined ? undefined : compileContext(context) });
  const results: Result[] = [];
  for (let i = 0; i < samples.length; i += chunk) {
    if (await stream.acceptWaveform(samples.subarray(i, i + chunk))) while (stream.pendingFinals() > 0) results.push(stream.result());
    else results.push(stream.partialResult());
  }
  results.push(await stream.finalResult());
  return results;
}

/** The results' words, partial and final, in order. */
export function wordsOf(results: Result[]): WordResult[] {
  return results.flatMap((r) => ('partial' in r ? (r.partial_result ?? []) : (r.result ?? r.alternatives?.flatMap((a) => a.result ?? []) ?? [])));
}

/** The results with their word times and confidences taken out: what must be equal on both sides. */
export function withoutTimes(results: Result[]): unknown[] {
  return JSON.parse(JSON.stringify(results, (key, value) => (['start', 'end', 'conf', 'confidence'].includes(key) ? undefined : value)));
}
