import type { AcousticModel } from '../../src/model/index.js';

/** What training/export.py writes: a fixed input and PyTorch's outputs for it, whole with all the views and chunked with one. */
export interface ModelReference {
  features: number[][];
  whole: { chunkFrames: number; logprobs: number[][] };
  chunked: { chunkFrames: number; lookaheadFrames: number; logprobs: number[][]; hn: number[][]; cn: number[][] };
}

/** Runs the reference input through the model; the largest absolute difference from PyTorch's outputs. */
export async function compareWithReference(model: AcousticModel, ref: ModelReference): Promise<number> {
  const dim = ref.features[0].length;
  const feats = Float32Array.from(ref.features.flat());
  const split = (from: number, to: number): Float32Array => feats.subarray(from * dim, to * dim);
  const allViews = model.initialState(model.metadata.warps.length);
  const whole = await model.runWindow(split(0, ref.whole.chunkFrames), split(ref.whole.chunkFrames, ref.features.length), allViews);
  const { chunkFrames, lookaheadFrames } = ref.chunked;
  const chunked = await model.runWindow(split(0, chunkFrames), split(chunkFrames, chunkFrames + lookaheadFrames), model.initialState());
  return Math.max(
    maxDifference(whole.logprobs, ref.whole.logprobs.flat()),
    maxDifference(chunked.logprobs, ref.chunked.logprobs.flat()),
    maxDifference(chunked.state.h, ref.chunked.hn.flat()),
    maxDifference(chunked.state.c, ref.chunked.cn.flat()),
  );
}

function maxDifference(actual: Float32Array, expected: number[]): number {
  if (actual.length !== expected.length) return Infinity;
  return expected.reduce((worst, v, i) => Math.max(worst, Math.abs(actual[i] - v)), 0);
}
