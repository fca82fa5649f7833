/** Feature settings. A model directory's metadata carries one of these, and inference reads it from there. */
export interface FeatureConfig {
  /** Input sample rate in Hz. */
  sampleRate: number;
  /** Samples per analysis frame; meyda needs a power of two, and the window spans the whole frame. */
  frameLength: number;
  /** Samples between frame starts. */
  hop: number;
  /** Triangular mel filters. */
  numMelBins: number;
  /** Cepstral coefficients kept, including c0. */
  numCeps: number;
  lowHz: number;
  highHz: number;
  preemphasis: number;
  /**
   * Energy floor before the log, for float samples in [-1, 1]. It sits near the quietest bins of
   * real recordings, so that digital silence (zero padding, a muted input) looks like a quiet room
   * rather than an extreme that throws the causal mean normalisation off for seconds.
   */
  logFloor: number;
  /** Frames of history in the causal mean normalisation. */
  cmnWindow: number;
}

/** High-resolution MFCC as in Kaldi's nnet3 recipes, with a 32 ms Hann window (meyda's frame is its window). */
export const DEFAULT_FEATURES: FeatureConfig = {
  sampleRate: 16000,
  frameLength: 512,
  hop: 160,
  numMelBins: 40,
  numCeps: 40,
  lowHz: 20,
  highHz: 7600,
  preemphasis: 0.97,
  logFloor: 1e-6,
  cmnWindow: 300,
};
