import { describe, expect, it } from 'vitest';
import { PcmStream, type PcmEncoding } from '../../src/audio/pcm-stream.js';
import { resample } from '../../src/audio/resample.js';
import { concatArrays } from '../../src/audio/concat.js';
import { seededRandom } from '../helpers.js';
import { randomSplits, tone } from './helpers.js';

function encode(samples: Float32Array, encoding: PcmEncoding): Uint8Array {
  if (encoding === 'float32le') return new Uint8Array(samples.buffer.slice(0));
  const pcm = Int16Array.from(samples, (sample) => Math.round(sample * 32767));
  return new Uint8Array(pcm.buffer);
}

function streamInChunks(stream: PcmStream, bytes: Uint8Array, random: () => number, maxChunk: number): Float32Array {
  const parts = randomSplits(bytes.length, random, maxChunk).map(([start, end]) => stream.push(bytes.subarray(start, end)));
  parts.push(stream.flush());
  return concatArrays(Float32Array, parts);
}

describe('PcmStream', () => {
  const cases: Array<[PcmEncoding, number]> = [
    ['int16le', 44100],
    ['int16le', 8000],
    ['int16le', 16000],
    ['float32le', 48000],
    ['float32le', 22050],
  ];

  for (const [encoding, sampleRate] of cases) {
    it(`gives the same output for any byte chunking, ${encoding} at ${sampleRate} Hz`, () => {
      const signal = tone(440, sampleRate, 0.25, 0.5);
      const bytes = encode(signal, encoding);
      const random = seededRandom(sampleRate);
      const whole = streamInChunks(new PcmStream({ sampleRate, encoding }), bytes, random, bytes.length);
      const quantised = encoding === 'int16le' ? Float32Array.from(new Int16Array(bytes.buffer), (x) => x / 32768) : signal;
      expect(whole).toEqual(resample(quantised, sampleRate, 16000));
      const stream = new PcmStream({ sampleRate, encoding });
      for (const maxChunk of [1, 3, 5, 77, 4096]) {
        expect(streamInChunks(stream, bytes, random, maxChunk), `chunks up to ${maxChunk} bytes`).toEqual(whole);
      }
    });
  }

  it('holds back a split sample until its other bytes arrive and drops an unfinished one at flush', () => {
    const stream = new PcmStream({ sampleRate: 16000, encoding: 'int16le' });
    expect(stream.push(Uint8Array.from([0x00]))).toHaveLength(0);
    expect(Array.from(stream.push(Uint8Array.from([0x40, 0x00])))).toEqual([0.5]);
    expect(Array.from(stream.push(Uint8Array.from([0xc0, 0x01])))).toEqual([-0.5]);
    expect(stream.flush()).toHaveLength(0);
  });
});
