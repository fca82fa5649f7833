import meydaModule from 'meyda';
import type { FeatureConfig } from './config.js';
import { dctMatrix, melFilterbank, type MelFilter } from './mel.js';
import { concatArrays } from '../audio/concat.js';

/** How far (in cepstral units, float32 rounding included) a frame may sit from the all-floor frame. */
const SILENCE_TOLERANCE = 1e-3;

/**
 * Computes raw MFCC frames from 16 kHz float samples, chunk by chunk. Frames are cut Kaldi-style
 * (snip edges: frame i covers samples [i*hop, i*hop + frameLength)), so any chunking of the input
 * yields exactly the frames of the whole signal.
 */
export class MfccExtractor {
  readonly dim: number;
  private readonly filters: MelFilter[];
  private readonly dct: Float64Array[];
  private pending = new Float32Array(0);
  private readonly frame: Float32Array;
  private readonly logMel: Float64Array;
  private readonly silentFrame: Float32Array;

  constructor(private readonly config: FeatureConfig) {
    if ((config.frameLength & (config.frameLength - 1)) !== 0) {
      throw new Error(`frameLength must be a power of two for meyda, got ${config.frameLength}`);
    }
    this.dim = config.numCeps;
    this.filters = melFilterbank(config.sampleRate, config.frameLength, config.numMelBins, config.lowHz, config.highHz);
    this.dct = dctMatrix(config.numCeps, config.numMelBins);
    this.frame = new Float32Array(config.frameLength);
    this.logMel = new Float64Array(config.numMelBins);
    this.silentFrame = this.cepstra(this.logMel.fill(Math.log(config.logFloor)));
  }

  /** Appends samples and returns the MFCC frames that became complete. */
  push(samples: Float32Array): Float32Array[] {
    const buffered = concatArrays(Float32Array, [this.pending, samples]);
    const { frameLength, hop } = this.config;
    const frames: Float32Array[] = [];
    let start = 0;
    for (; start + frameLength <= buffered.length; start += hop) {
      frames.push(this.computeFrame(buffered.subarray(start, start + frameLength)));
    }
    this.pending = buffered.slice(Math.min(start, buffered.length));
    return frames;
  }

  reset(): void {
    this.pending = new Float32Array(0);
  }

  /** Whether every mel energy of this frame was at the floor, as for digital silence (all-zero samples). */
  isDigitalSilence(frame: Float32Array): boolean {
    for (let k = 0; k < this.dim; k++) {
      if (Math.abs(frame[k] - this.silentFrame[k]) > SILENCE_TOLERANCE) return false;
    }
    return true;
  }

  private computeFrame(samples: Float32Array): Float32Array {
    this.prepareFrame(samples);
    const power = powerSpectrum(this.frame, this.config);
    for (let m = 0; m < this.filters.length; m++) {
      const { firstBin, weights } = this.filters[m];
      let energy = 0;
      for (let j = 0; j < weights.length; j++) energy += weights[j] * power[firstBin + j];
      this.logMel[m] = Math.log(Math.max(energy, this.config.logFloor));
    }
    return this.cepstra(this.logMel);
  }

  private cepstra(logMel: Float64Array): Float32Array {
    const ceps = new Float32Array(this.dim);
    for (let k = 0; k < this.dim; k++) {
      const row = this.dct[k];
      let sum = 0;
      for (let n = 0; n < row.length; n++) sum += row[n] * logMel[n];
      ceps[k] = sum;
    }
    return ceps;
  }

  /** DC removal and pre-emphasis within the frame, as Kaldi does, so frames stay independent. */
  private prepareFrame(samples: Float32Array): void {
    let mean = 0;
    for (let i = 0; i < samples.length; i++) mean += samples[i];
    mean /= samples.length;
    const { preemphasis } = this.config;
    for (let i = samples.length - 1; i > 0; i--) {
      this.frame[i] = samples[i] - mean - preemphasis * (samples[i - 1] - mean);
    }
    this.frame[0] = (samples[0] - mean) * (1 - preemphasis);
  }
}

// meyda ships CommonJS with ESM typings, so NodeNext types its default import as the namespace.
const Meyda = meydaModule as unknown as (typeof meydaModule)['default'];

/** meyda's Hann-windowed power spectrum, bins 0 .. frameLength/2 - 1. */
function powerSpectrum(frame: Float32Array, config: FeatureConfig): Float32Array {
  // meyda keeps its settings and filterbank cache on one shared object, so set them on every call.
  Meyda.bufferSize = config.frameLength;
  Meyda.sampleRate = config.sampleRate;
  Meyda.windowingFunction = 'hanning';
  return Meyda.extract('powerSpectrum', frame) as unknown as Float32Array;
}
