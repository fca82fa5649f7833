import { SAMPLE_RATE } from './format.js';
import { StreamingResampler } from './resample.js';
import { BYTES_PER_SAMPLE, decodeInterleaved, type SampleEncoding } from './sample-encoding.js';

export type PcmEncoding = 'int16le' | 'float32le';

const SAMPLE_ENCODING: Record<PcmEncoding, SampleEncoding> = { int16le: 's16', float32le: 'f32' };

/**
 * Turns a raw mono PCM byte stream, split anywhere (even inside a sample), into
 * SAMPLE_RATE mono samples as the bytes arrive.
 */
export class PcmStream {
  private readonly encoding: SampleEncoding;
  private readonly resampler: StreamingResampler;
  /** Bytes of a sample split across chunks. */
  private partialSample = new Uint8Array(0);

  constructor(opts: { sampleRate: number; encoding: PcmEncoding }) {
    this.encoding = SAMPLE_ENCODING[opts.encoding];
    this.resampler = new StreamingResampler(opts.sampleRate, SAMPLE_RATE);
  }

  push(chunk: Uint8Array): Float32Array {
    const bytes = new Uint8Array(this.partialSample.length + chunk.length);
    bytes.set(this.partialSample);
    bytes.set(chunk, this.partialSample.length);
    const sampleCount = Math.floor(bytes.length / BYTES_PER_SAMPLE[this.encoding]);
    const wholeBytes = sampleCount * BYTES_PER_SAMPLE[this.encoding];
    this.partialSample = bytes.slice(wholeBytes);
    const view = new DataView(bytes.buffer, 0, wholeBytes);
    return this.resampler.push(decodeInterleaved(view, 0, sampleCount, 1, this.encoding));
  }

  /** Ends the stream; a trailing incomplete sample is dropped. */
  flush(): Float32Array {
    this.partialSample = new Uint8Array(0);
    return this.resampler.flush();
  }
}
