import { CausalMeanNormalizer } from './cmn.js';
import { DEFAULT_FEATURES, type FeatureConfig } from './config.js';
import { MfccExtractor } from './mfcc.js';

export { DEFAULT_FEATURES, type FeatureConfig } from './config.js';
export { MfccExtractor } from './mfcc.js';
export { CausalMeanNormalizer } from './cmn.js';

/** The model's input features: MFCC with causal mean normalisation, fed chunk by chunk. */
export class FeatureStream {
  readonly dim: number;
  private readonly mfcc: MfccExtractor;
  private readonly cmn: CausalMeanNormalizer;

  constructor(readonly config: FeatureConfig = DEFAULT_FEATURES) {
    this.mfcc = new MfccExtractor(config);
    this.dim = this.mfcc.dim;
    this.cmn = new CausalMeanNormalizer(this.dim, config.cmnWindow);
  }

  push(samples: Float32Array): Float32Array[] {
    return this.mfcc.push(samples).map((frame) => this.cmn.apply(frame));
  }

  reset(): void {
    this.mfcc.reset();
    this.cmn.reset();
  }
}

/** Features of a whole signal as one row-major matrix of `frames x dim`. */
export function computeFeatures(samples: Float32Array, config: FeatureConfig = DEFAULT_FEATURES): FeatureMatrix {
  const stream = new FeatureStream(config);
  return toMatrix(stream.push(samples), stream.dim);
}

export interface FeatureMatrix {
  data: Float32Array;
  frames: number;
  dim: number;
}

export function toMatrix(frames: Float32Array[], dim: number): FeatureMatrix {
  const data = new Float32Array(frames.length * dim);
  frames.forEach((frame, i) => data.set(frame, i * dim));
  return { data, frames: frames.length, dim };
}
