import { describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../../src/audio/errors.js';
import { decodeWav } from '../../src/audio/wav.js';
import { concatArrays } from '../../src/audio/concat.js';
import { asExtensible, maxAbsDifference, pcm16Wav, tone, wavefileWav, withUint, type WavBitDepth } from './helpers.js';

const RATE = 8000;
const signal = tone(440, RATE, 0.1, 0.5);

function expectDecodeError(bytes: Uint8Array, reason: RegExp): void {
  let caught: unknown;
  try {
    decodeWav(bytes, 'bad.wav');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AudioDecodeError);
  const error = caught as AudioDecodeError;
  expect(error.file).toBe('bad.wav');
  expect(error.reason).toMatch(reason);
  expect(error.message).toBe(`bad.wav: ${error.reason}`);
}

describe('decodeWav formats', () => {
  const tolerance: Record<WavBitDepth, number> = { '8': 1 / 100, '16': 1e-4, '24': 1e-6, '32': 1e-7, '32f': 1e-7, '64': 1e-7 };

  for (const bitDepth of Object.keys(tolerance) as WavBitDepth[]) {
    it(`decodes ${bitDepth}-bit ${bitDepth.endsWith('f') || bitDepth === '64' ? 'float' : 'PCM'}`, () => {
      const bytes = wavefileWav(bitDepth, RATE, [signal]).toBuffer();
      const decoded = decodeWav(bytes, 'tone.wav');
      expect(decoded.sampleRate).toBe(RATE);
      expect(decoded.samples).toHaveLength(signal.length);
      expect(maxAbsDifference(decoded.samples, signal)).toBeLessThan(tolerance[bitDepth]);
    });
  }

  for (const [name, encode, decodeReference] of [
    ['A-law', 'toALaw', 'fromALaw'],
    ['µ-law', 'toMuLaw', 'fromMuLaw'],
  ] as const) {
    it(`decodes ${name} exactly as wavefile expands it`, () => {
      const wav = wavefileWav('16', RATE, [signal]);
      wav[encode]();
      const decoded = decodeWav(wav.toBuffer(), 'g711.wav');
      expect(maxAbsDifference(decoded.samples.subarray(0, signal.length), signal)).toBeLessThan(0.02);
      wav[decodeReference]();
      const reference = Float32Array.from(wav.getSamples(), (sample) => sample / 32768);
      expect(decoded.samples).toEqual(reference);
    });
  }

  it('decodes WAVE_FORMAT_EXTENSIBLE PCM and float', () => {
    const pcm = decodeWav(asExtensible(wavefileWav('24', RATE, [signal]), 0x0001), 'ext.wav');
    expect(maxAbsDifference(pcm.samples, signal)).toBeLessThan(1e-6);
    const float = decodeWav(asExtensible(wavefileWav('32f', RATE, [signal]), 0x0003), 'ext.wav');
    expect(maxAbsDifference(float.samples, signal)).toBeLessThan(1e-7);
  });

  it('averages channels into mono', () => {
    const channels = [signal, signal.map((x) => -x), signal.map((x) => 0.5 * x), signal.map(() => 0.25)];
    const decoded = decodeWav(wavefileWav('32f', 44100, channels).toBuffer(), 'quad.wav');
    const expected = signal.map((x) => (x - x + 0.5 * x + 0.25) / 4);
    expect(decoded.sampleRate).toBe(44100);
    expect(maxAbsDifference(decoded.samples, expected)).toBeLessThan(1e-7);
  });

  it('reads the full 8-bit and 16-bit ranges', () => {
    const bytes = pcm16Wav(Int16Array.from([-32768, 0, 32767]), RATE);
    expect(Array.from(decodeWav(bytes, 'x.wav').samples)).toEqual([-1, 0, 32767 / 32768]);
    const unsigned = wavefileWav('8', RATE, [new Float32Array(3)]);
    (unsigned.data as { samples: Uint8Array }).samples = Uint8Array.from([0, 128, 255]);
    expect(Array.from(decodeWav(unsigned.toBuffer(), 'x.wav').samples)).toEqual([-1, 0, 127 / 128]);
  });

  it('clamps out-of-range and non-finite float samples', () => {
    const wav = wavefileWav('32f', RATE, [Float32Array.from([2, -3, Number.NaN, Infinity, 0.25])]);
    expect(Array.from(decodeWav(wav.toBuffer(), 'x.wav').samples)).toEqual([1, -1, 0, 1, 0.25]);
  });

  it('skips other chunks, including the pad byte after an odd-sized one', () => {
    const plain = pcm16Wav(Int16Array.from([1, 2, 3]), RATE);
    const oddChunk = Uint8Array.from([...new TextEncoder().encode('note'), 3, 0, 0, 0, 0x61, 0x62, 0x63, 0]);
    const withChunk = concatArrays(Uint8Array, [plain.subarray(0, 36), oddChunk, plain.subarray(36)]);
    expect(decodeWav(withChunk, 'x.wav').samples).toEqual(decodeWav(plain, 'x.wav').samples);
  });

  it('ignores what other chunks claim (wavefile runs out of memory on this cue chunk)', () => {
    const plain = pcm16Wav(Int16Array.from([1, 2, 3]), RATE);
    const hugeCue = Uint8Array.from([...new TextEncoder().encode('cue '), 4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(decodeWav(concatArrays(Uint8Array, [plain, hugeCue]), 'x.wav').samples).toHaveLength(3);
  });

  it('decodes the whole frames present when the data chunk is cut short', () => {
    const full = pcm16Wav(Int16Array.from([100, 200, 300, 400]), RATE);
    const cut = full.subarray(0, 44 + 5);
    expect(Array.from(decodeWav(cut, 'cut.wav').samples)).toEqual([100 / 32768, 200 / 32768]);
    const streamed = withUint(full, 40, 4, 0xffffffff);
    expect(decodeWav(streamed, 'stream.wav').samples).toHaveLength(4);
  });
});

describe('decodeWav errors', () => {
  const valid = pcm16Wav(Int16Array.from([1, 2, 3, 4]), RATE);

  it('rejects data that is not RIFF/WAVE', () => {
    expectDecodeError(new TextEncoder().encode('hello, this is not audio at all'), /not a RIFF\/WAVE/);
    expectDecodeError(new Uint8Array(0), /not a RIFF\/WAVE/);
    const avi = valid.slice();
    avi.set(new TextEncoder().encode('AVI '), 8);
    expectDecodeError(avi, /not a RIFF\/WAVE/);
  });

  it('rejects a file cut inside the header', () => {
    expectDecodeError(valid.subarray(0, 11), /not a RIFF\/WAVE/);
    expectDecodeError(valid.subarray(0, 16), /no fmt chunk/);
    expectDecodeError(valid.subarray(0, 30), /file ends inside the header/);
    expectDecodeError(valid.subarray(0, 40), /no data chunk/);
    expectDecodeError(valid.subarray(0, 44 + 1), /too short to hold one sample frame/);
  });

  it('rejects zero samples', () => {
    expectDecodeError(pcm16Wav(new Int16Array(0), RATE), /no audio samples/);
    expectDecodeError(withUint(valid.subarray(0, 44), 40, 4, 0), /no audio samples/);
  });

  it('rejects unsupported codecs', () => {
    expectDecodeError(withUint(valid, 20, 2, 0x0002), /unsupported codec \(WAVE format tag 0x0002\)/);
    expectDecodeError(withUint(valid, 20, 2, 0x0055), /unsupported codec/);
    const wav = wavefileWav('16', RATE, [signal]);
    expectDecodeError(asExtensible(wav, 0x0002), /unsupported codec/);
    const ambisonic = asExtensible(wavefileWav('16', RATE, [signal]), 0x0001);
    ambisonic[24 + 20 + 4] = 0x21; // GUID tail no longer the standard KSDATAFORMAT one
    expectDecodeError(ambisonic, /sub-format/);
  });

  it('rejects absurd header values', () => {
    expectDecodeError(withUint(valid, 22, 2, 0), /channel count 0/);
    expectDecodeError(withUint(withUint(valid, 22, 2, 65), 32, 2, 130), /channel count 65/);
    expectDecodeError(withUint(valid, 24, 4, 0), /sample rate 0/);
    expectDecodeError(withUint(valid, 24, 4, 768_001), /sample rate 768001/);
    expectDecodeError(withUint(valid, 34, 2, 0), /unsupported 0-bit PCM/);
    expectDecodeError(withUint(valid, 34, 2, 12), /unsupported 12-bit PCM/);
    expectDecodeError(withUint(withUint(valid, 20, 2, 3), 34, 2, 16), /unsupported 16-bit IEEE float/);
    expectDecodeError(withUint(valid, 32, 2, 4), /block align 4/);
    const shortFmt = concatArrays(Uint8Array, [withUint(valid, 16, 4, 14).subarray(0, 34), valid.subarray(36)]);
    expectDecodeError(shortFmt, /fmt chunk of 14 bytes is too short/);
  });

  it('rejects a data chunk that comes before fmt', () => {
    const swapped = concatArrays(Uint8Array, [valid.subarray(0, 12), valid.subarray(36), valid.subarray(12, 36)]);
    expectDecodeError(swapped, /before any fmt chunk/);
  });
});
