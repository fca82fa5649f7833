import { AudioDecodeError } from './errors.js';
import type { DecodedAudio } from './format.js';
import { truncationWarning } from './truncation.js';
import { BYTES_PER_SAMPLE, decodeInterleaved, type SampleEncoding } from './sample-encoding.js';

// The RIFF walk and fmt parsing are done here rather than with wavefile's fromBuffer:
// wavefile trusts chunk counts (a 12-byte 'cue ' chunk claiming 2^32 cue points makes it
// allocate until the process dies) and converts samples one getSample call at a time.

const MAX_CHANNELS = 64;
const MAX_SAMPLE_RATE = 768_000;

const FORMAT_EXTENSIBLE = 0xfffe;
const STREAMED_SIZE = 0xffffffff;

interface Codec {
  name: string;
  encodingByBits: Partial<Record<number, SampleEncoding>>;
}

const CODECS = new Map<number, Codec>([
  [0x0001, { name: 'PCM', encodingByBits: { 8: 'u8', 16: 's16', 24: 's24', 32: 's32' } }],
  [0x0003, { name: 'IEEE float', encodingByBits: { 32: 'f32', 64: 'f64' } }],
  [0x0006, { name: 'A-law', encodingByBits: { 8: 'alaw' } }],
  [0x0007, { name: 'µ-law', encodingByBits: { 8: 'mulaw' } }],
]);

// A WAVE_FORMAT_EXTENSIBLE sub-format GUID is the plain format tag followed by these bytes.
const SUBFORMAT_GUID_TAIL = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];

type Fail = (reason: string) => never;

/** Byte range of a chunk's body; `size` is as declared and may run past the end of the file. */
interface Chunk {
  offset: number;
  size: number;
}

interface WavFormat {
  encoding: SampleEncoding;
  channels: number;
  sampleRate: number;
}

/**
 * Decodes a RIFF/WAVE file to mono (channels averaged) at its own sample rate. A data chunk cut short
 * by the end of the file yields the whole frames present, with a warning. A data size of 0 or
 * 0xFFFFFFFF is a streamed WAV's (ffmpeg writing to a pipe cannot go back to fill it in): its data
 * runs to the end of the file.
 */
export function decodeWav(bytes: Uint8Array, file: string): DecodedAudio {
  const fail: Fail = (reason) => {
    throw new AudioDecodeError(file, reason);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { fmt, data } = findChunks(view, fail);
  const format = parseFormat(view, fmt, fail);
  const frameSize = format.channels * BYTES_PER_SAMPLE[format.encoding];
  const streamed = data.size === 0 || data.size === STREAMED_SIZE;
  const available = view.byteLength - data.offset;
  const frames = Math.floor((streamed ? available : Math.min(data.size, available)) / frameSize);
  if (frames === 0) fail(available === 0 ? 'no audio samples' : 'data chunk is too short to hold one sample frame');
  const samples = decodeInterleaved(view, data.offset, frames, format.channels, format.encoding);
  const audio = { samples, sampleRate: format.sampleRate };
  if (streamed || data.size <= available) return audio;
  return { ...audio, warning: truncationWarning(Math.floor(data.size / frameSize) / format.sampleRate, frames / format.sampleRate) };
}

function findChunks(view: DataView, fail: Fail): { fmt: Chunk; data: Chunk } {
  if (view.byteLength < 12 || fourCC(view, 0) !== 'RIFF' || fourCC(view, 8) !== 'WAVE') {
    fail('not a RIFF/WAVE file');
  }
  let fmt: Chunk | undefined;
  let offset = 12;
  while (offset + 8 <= view.byteLength) {
    const id = fourCC(view, offset);
    const chunk = { offset: offset + 8, size: view.getUint32(offset + 4, true) };
    if (id === 'fmt ') fmt ??= chunk;
    // Stop at the data chunk: a streamed WAV declares it 0xFFFFFFFF bytes long.
    if (id === 'data') return { fmt: fmt ?? fail('data chunk comes before any fmt chunk'), data: chunk };
    offset = chunk.offset + chunk.size + (chunk.size & 1);
  }
  if (offset > view.byteLength) fail('file ends inside the header, before the data chunk');
  return fail(fmt ? 'no data chunk' : 'no fmt chunk');
}

function parseFormat(view: DataView, fmt: Chunk, fail: Fail): WavFormat {
  if (fmt.size < 16) fail(`fmt chunk of ${fmt.size} bytes is too short`);
  const channels = view.getUint16(fmt.offset + 2, true);
  const sampleRate = view.getUint32(fmt.offset + 4, true);
  const blockAlign = view.getUint16(fmt.offset + 12, true);
  const bitsPerSample = view.getUint16(fmt.offset + 14, true);
  if (channels < 1 || channels > MAX_CHANNELS) fail(`unsupported channel count ${channels}`);
  if (sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) fail(`unsupported sample rate ${sampleRate}`);
  const encoding = sampleEncoding(formatTag(view, fmt, fail), bitsPerSample, fail);
  if (blockAlign !== channels * BYTES_PER_SAMPLE[encoding]) {
    fail(`block align ${blockAlign} does not match ${channels} channel(s) of ${bitsPerSample}-bit samples`);
  }
  return { encoding, channels, sampleRate };
}

function formatTag(view: DataView, fmt: Chunk, fail: Fail): number {
  const tag = view.getUint16(fmt.offset, true);
  if (tag !== FORMAT_EXTENSIBLE) return tag;
  if (fmt.size < 40) fail(`WAVE_FORMAT_EXTENSIBLE fmt chunk of ${fmt.size} bytes is too short`);
  const subFormat = fmt.offset + 24;
  const isStandardGuid = SUBFORMAT_GUID_TAIL.every((byte, i) => view.getUint8(subFormat + 2 + i) === byte);
  if (!isStandardGuid) fail('unsupported WAVE_FORMAT_EXTENSIBLE sub-format');
  return view.getUint16(subFormat, true);
}

function sampleEncoding(tag: number, bitsPerSample: number, fail: Fail): SampleEncoding {
  const codec = CODECS.get(tag) ?? fail(`unsupported codec (WAVE format tag 0x${tag.toString(16).padStart(4, '0')})`);
  return codec.encodingByBits[bitsPerSample] ?? fail(`unsupported ${bitsPerSample}-bit ${codec.name}`);
}

function fourCC(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}
