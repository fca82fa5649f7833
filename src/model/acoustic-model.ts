import type { ModelMetadata } from './metadata.js';

/** The forward LSTM states carried from one latency-controlled window to the next. */
export interface ForwardState {
  h: Float32Array;
  c: Float32Array;
}

export interface WindowOutput {
  /** Row-major [frames x vocabulary] log-probabilities: the chunk's frames, then the look-ahead's (provisional). */
  logprobs: Float32Array;
  chunkFrames: number;
  lookaheadFrames: number;
  /** Forward states after the chunk, for the next window. */
  state: ForwardState;
}

/**
 * A loaded acoustic model. `runWindow` takes feature frames (row-major, `features.numCeps` wide):
 * a chunk and at least one model frame of look-ahead, both whole multiples of `frameStack`.
 */
export interface AcousticModel {
  readonly metadata: ModelMetadata;
  /**
   * The state a stream starts from. `views` of the model's warps (metadata.warps) hear the windows
   * run from it, their outputs averaged: default 1, the unwarped view alone.
   */
  initialState(views?: number): ForwardState;
  runWindow(chunk: Float32Array, lookahead: Float32Array, state: ForwardState): Promise<WindowOutput>;
  release(): Promise<void>;
}
