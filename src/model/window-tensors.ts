import type { ForwardState, WindowOutput } from './acoustic-model.js';
import type { ModelMetadata } from './metadata.js';

/** A tensor for the ONNX graph, before a runtime wraps it. */
export interface TensorData {
  data: Float32Array;
  dims: number[];
}

/** The graph's inputs for one latency-controlled window; the state's size says how many views run. */
export function windowInputs(meta: ModelMetadata, chunk: Float32Array, lookahead: Float32Array, state: ForwardState): Record<string, TensorData> {
  const { layers, hidden, features } = meta;
  const dim = features.numCeps;
  const views = state.h.length / (layers * hidden);
  return {
    chunk: { data: chunk, dims: [1, chunk.length / dim, dim] },
    lookahead: { data: lookahead, dims: [1, lookahead.length / dim, dim] },
    h0: { data: state.h, dims: [layers, views, hidden] },
    c0: { data: state.c, dims: [layers, views, hidden] },
  };
}

/** The graph's outputs for a window whose chunk held `chunkLength` feature values. */
export function windowOutput(meta: ModelMetadata, chunkLength: number, logprobs: Float32Array, state: ForwardState): WindowOutput {
  const chunkFrames = chunkLength / meta.features.numCeps / meta.frameStack;
  return { logprobs, chunkFrames, lookaheadFrames: logprobs.length / meta.vocabulary.length - chunkFrames, state };
}

export function initialForwardState(meta: ModelMetadata, views: number): ForwardState {
  const size = meta.layers * views * meta.hidden;
  return { h: new Float32Array(size), c: new Float32Array(size) };
}
