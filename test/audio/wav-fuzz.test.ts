import { expect, it } from 'vitest';
import { AudioDecodeError } from '../../src/audio/errors.js';
import { decodeWav } from '../../src/audio/wav.js';
import { concatArrays } from '../../src/audio/concat.js';
import { seededRandom } from '../helpers.js';
import { asExtensible, pcm16Wav, randomInt, tone, wavefileWav } from './helpers.js';

const CASES = 3000;
const signal = tone(1000, 8000, 0.01, 0.5);

function validWavs(): Uint8Array[] {
  const alaw = wavefileWav('16', 8000, [signal]);
  alaw.toALaw();
  const withNote = pcm16Wav(Int16Array.from(signal, (x) => x * 32767), 22050);
  return [
    pcm16Wav(Int16Array.from(signal, (x) => x * 32767), 16000),
    wavefileWav('8', 11025, [signal, signal]).toBuffer(),
    wavefileWav('24', 48000, [signal]).toBuffer(),
    wavefileWav('32f', 44100, [signal, signal]).toBuffer(),
    wavefileWav('64', 8000, [signal]).toBuffer(),
    asExtensible(wavefileWav('16', 16000, [signal, signal, signal, signal]), 1),
    alaw.toBuffer(),
    concatArrays(Uint8Array, [withNote.subarray(0, 36), Uint8Array.from([0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0]), withNote.subarray(36)]),
  ];
}

type Mutation = (bytes: Uint8Array, random: () => number) => Uint8Array;

const INTERESTING_SIZES = [0, 1, 2, 3, 4, 15, 16, 17, 18, 39, 40, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

const mutations: Mutation[] = [
  function flipBytes(bytes, random) {
    const copy = bytes.slice();
    for (let n = randomInt(random, 1, 4); n > 0; n--) copy[randomInt(random, 0, Math.min(63, copy.length - 1))] = randomInt(random, 0, 255);
    return copy;
  },
  function truncate(bytes, random) {
    return bytes.slice(0, randomInt(random, 0, bytes.length));
  },
  function overwriteSizeField(bytes, random) {
    const copy = bytes.slice();
    const offset = [4, 16, 40, randomInt(random, 0, 60)][randomInt(random, 0, 3)]!;
    const value = random() < 0.5 ? INTERESTING_SIZES[randomInt(random, 0, INTERESTING_SIZES.length - 1)]! : randomInt(random, 0, 0xffffffff);
    if (offset + 4 <= copy.length) new DataView(copy.buffer).setUint32(offset, value, true);
    return copy;
  },
  function overwriteFmtField(bytes, random) {
    const copy = bytes.slice();
    const offset = [20, 22, 32, 34][randomInt(random, 0, 3)]!;
    const value = random() < 0.5 ? [0, 1, 2, 3, 6, 7, 8, 16, 24, 32, 64, 0xfffe][randomInt(random, 0, 11)]! : randomInt(random, 0, 0xffff);
    if (offset + 2 <= copy.length) new DataView(copy.buffer).setUint16(offset, value, true);
    return copy;
  },
];

it(`decodes or rejects with AudioDecodeError each of ${CASES} mutated WAV files`, () => {
  const random = seededRandom(20240601);
  const sources = validWavs();
  const outcomes = { decoded: 0, rejected: 0 };
  for (let i = 0; i < CASES; i++) {
    let bytes = sources[i % sources.length]!;
    for (let n = randomInt(random, 1, 3); n > 0; n--) bytes = mutations[randomInt(random, 0, mutations.length - 1)]!(bytes, random);
    try {
      const { samples, sampleRate } = decodeWav(bytes, `case-${i}.wav`);
      expect(samples).toBeInstanceOf(Float32Array);
      expect(samples.length).toBeGreaterThan(0);
      expect(samples.every((sample) => Number.isFinite(sample) && Math.abs(sample) <= 1)).toBe(true);
      expect(Number.isInteger(sampleRate) && sampleRate > 0 && sampleRate <= 768_000).toBe(true);
      outcomes.decoded++;
    } catch (error) {
      if (!(error instanceof AudioDecodeError)) throw new Error(`case ${i} threw ${String(error)}`, { cause: error });
      outcomes.rejected++;
    }
  }
  // Both paths must be well exercised for the fuzzing to mean anything.
  expect(outcomes.decoded).toBeGreaterThan(CASES / 10);
  expect(outcomes.rejected).toBeGreaterThan(CASES / 10);
});
