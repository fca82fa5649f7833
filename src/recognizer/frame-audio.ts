import { concatArrays } from '../audio/concat.js';

/**
 * The samples behind a stream's latest MFCC frames. Frame j of a stream covers samples
 * [j*hop, j*hop + frameLength), so the samples of any frame still held can be cut out again.
 */
export class FrameAudio {
  private samples: Float32Array = new Float32Array(0);
  /** The stream's index of samples[0]. */
  private firstSample = 0;

  constructor(private readonly hop: number, private readonly frameLength: number) {}

  append(samples: Float32Array): void {
    this.samples = concatArrays(Float32Array, [this.samples, samples]);
  }

  /** The samples of the stream's frames [first, first + count). */
  framesAudio(first: number, count: number): Float32Array {
    if (count <= 0) return new Float32Array(0);
    const start = first * this.hop - this.firstSample;
    return this.samples.subarray(start, start + (count - 1) * this.hop + this.frameLength);
  }

  /** Forgets the samples that only frames before `first` cover. */
  dropBefore(first: number): void {
    const drop = first * this.hop - this.firstSample;
    if (drop <= 0) return;
    this.samples = this.samples.slice(drop);
    this.firstSample += drop;
  }
}
