import type { AcousticModel, ForwardState } from '../model/index.js';

/** Log-probabilities of consecutive model frames, row-major `[frames x vocabulary]`. */
export interface FrameBlock {
  logprobs: Float32Array;
  frames: number;
}

export interface WindowStep {
  /** Frames whose output is final. */
  final: FrameBlock;
  /** Output for the look-ahead frames, which the next window recomputes. */
  provisional: FrameBlock;
}

/**
 * Cuts a stream of feature frames into latency-controlled windows (chunk + look-ahead) and runs them
 * through the acoustic model, carrying the forward LSTM state from window to window.
 */
export class WindowRunner {
  private pending: Float32Array[] = [];
  private state: ForwardState;
  private readonly dim: number;
  private readonly stack: number;
  private readonly vocab: number;

  constructor(
    private readonly model: AcousticModel,
    private readonly chunkFrames: number,
    private readonly lookaheadFrames: number,
  ) {
    const meta = model.metadata;
    this.dim = meta.features.numCeps;
    this.stack = meta.frameStack;
    this.vocab = meta.vocabulary.length;
    this.state = model.initialState();
  }

  /** Feature frames waiting for a window. */
  get bufferedFrames(): number {
    return this.pending.length;
  }

  /** Adds feature frames and runs every window that is complete. */
  async push(features: Float32Array[]): Promise<WindowStep[]> {
    this.pending.push(...features);
    const chunk = this.chunkFrames * this.stack;
    const window = (this.chunkFrames + this.lookaheadFrames) * this.stack;
    const steps: WindowStep[] = [];
    while (this.pending.length >= window) {
      const { state, ...step } = await this.run(this.pending.slice(0, chunk), this.pending.slice(chunk, window), this.state);
      this.state = state;
      steps.push(step);
      this.pending = this.pending.slice(chunk);
    }
    return steps;
  }

  /**
   * Runs frames as one final window from a fresh state with all the model's views (metadata.warps):
   * all but the last model frame as chunk, the last as look-ahead, so every output is final. That
   * is exactly the whole-utterance BiLSTM, heard as the final pass's ensemble.
   */
  async runWhole(features: Float32Array[]): Promise<FrameBlock> {
    const frames = this.padToStack(features);
    const state = this.model.initialState(this.model.metadata.warps.length);
    if (frames.length > this.stack) {
      const split = frames.length - this.stack;
      const step = await this.run(frames.slice(0, split), frames.slice(split), state);
      return joinBlocks([step.final, step.provisional], this.vocab);
    }
    if (frames.length > 0) return (await this.run(frames, frames, state)).final;
    return { logprobs: new Float32Array(0), frames: 0 };
  }

  /** Forgets buffered frames and the carried state. */
  reset(): void {
    this.pending = [];
    this.state = this.model.initialState();
  }

  private async run(chunk: Float32Array[], lookahead: Float32Array[], state: ForwardState): Promise<WindowStep & { state: ForwardState }> {
    const out = await this.model.runWindow(flatten(chunk, this.dim), flatten(lookahead, this.dim), state);
    const split = out.chunkFrames * this.vocab;
    return {
      final: { logprobs: out.logprobs.subarray(0, split), frames: out.chunkFrames },
      provisional: { logprobs: out.logprobs.subarray(split), frames: out.lookaheadFrames },
      state: out.state,
    };
  }

  private padToStack(frames: Float32Array[]): Float32Array[] {
    const missing = (this.stack - (frames.length % this.stack)) % this.stack;
    return frames.length === 0 ? frames : [...frames, ...Array<Float32Array>(missing).fill(frames[frames.length - 1])];
  }
}

function flatten(frames: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(frames.length * dim);
  frames.forEach((frame, i) => out.set(frame, i * dim));
  return out;
}

export function joinBlocks(blocks: FrameBlock[], vocab: number): FrameBlock {
  const frames = blocks.reduce((n, b) => n + b.frames, 0);
  const logprobs = new Float32Array(frames * vocab);
  let offset = 0;
  for (const block of blocks) {
    logprobs.set(block.logprobs, offset);
    offset += block.logprobs.length;
  }
  return { logprobs, frames };
}
