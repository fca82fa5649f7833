/**
 * Causal cepstral mean normalisation: each frame minus the mean of the frames so far, a plain
 * cumulative mean over the first `window` frames and then an exponential average with the same
 * time constant. It needs no look-ahead, so streaming output equals whole-signal output, and a
 * gain change (a constant added to c0) cancels exactly.
 */
export class CausalMeanNormalizer {
  private readonly mean: Float64Array;
  private count = 0;

  constructor(dim: number, private readonly window: number) {
    this.mean = new Float64Array(dim);
  }

  apply(frame: Float32Array): Float32Array {
    this.count = Math.min(this.count + 1, this.window);
    const out = new Float32Array(frame.length);
    for (let i = 0; i < frame.length; i++) {
      this.mean[i] += (frame[i] - this.mean[i]) / this.count;
      out[i] = frame[i] - this.mean[i];
    }
    return out;
  }

  reset(): void {
    this.mean.fill(0);
    this.count = 0;
  }
}
