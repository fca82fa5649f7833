import type { AcousticModel, ForwardState, WindowOutput } from './acoustic-model.js';
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

/** What runWindow needs of an onnxruntime InferenceSession, which onnxruntime-node's and -web's both are. */
export interface WindowSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
  release(): Promise<void>;
}

/** The AcousticModel over either runtime's session; `tensor` wraps data in that runtime's Tensor. */
export class SessionAcousticModel implements AcousticModel {
  protected constructor(
    readonly metadata: ModelMetadata,
    private readonly session: WindowSession,
    private readonly tensor: (input: TensorData) => unknown,
  ) {}

  initialState(views = 1): ForwardState {
    return initialForwardState(this.metadata, views);
  }

  async runWindow(chunk: Float32Array, lookahead: Float32Array, state: ForwardState): Promise<WindowOutput> {
    const inputs = windowInputs(this.metadata, chunk, lookahead, state);
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, this.tensor(input)]));
    const result = await this.session.run(feeds);
    const output = (name: string): Float32Array => result[name].data as Float32Array;
    return windowOutput(this.metadata, chunk.length, output('logprobs'), { h: output('hn'), c: output('cn') });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** An error's first line, for load errors that name the file. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
