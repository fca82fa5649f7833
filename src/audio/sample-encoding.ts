/** How one sample is stored: integer PCM width (8-bit is unsigned), IEEE float, or G.711 companding. */
export type SampleEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64' | 'alaw' | 'mulaw';

export const BYTES_PER_SAMPLE: Record<SampleEncoding, number> = {
  u8: 1,
  s16: 2,
  s24: 3,
  s32: 4,
  f32: 4,
  f64: 8,
  alaw: 1,
  mulaw: 1,
};

type SampleReader = (view: DataView, offset: number) => number;

const ALAW = g711Table(decodeALaw);
const MULAW = g711Table(decodeMuLaw);

const READERS: Record<SampleEncoding, SampleReader> = {
  u8: (view, offset) => (view.getUint8(offset) - 128) / 128,
  s16: (view, offset) => view.getInt16(offset, true) / 32768,
  s24: (view, offset) => ((view.getInt8(offset + 2) << 16) | view.getUint16(offset, true)) / 8388608,
  s32: (view, offset) => view.getInt32(offset, true) / 2147483648,
  f32: (view, offset) => clampUnit(view.getFloat32(offset, true)),
  f64: (view, offset) => clampUnit(view.getFloat64(offset, true)),
  alaw: (view, offset) => ALAW[view.getUint8(offset)],
  mulaw: (view, offset) => MULAW[view.getUint8(offset)],
};

/**
 * Decodes `frames` little-endian interleaved frames of `channels` samples starting at
 * byte `offset`, averaging the channels into one mono sample per frame.
 */
export function decodeInterleaved(
  view: DataView,
  offset: number,
  frames: number,
  channels: number,
  encoding: SampleEncoding,
): Float32Array {
  const read = READERS[encoding];
  const step = BYTES_PER_SAMPLE[encoding];
  const mono = new Float32Array(frames);
  let position = offset;
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) {
      sum += read(view, position);
      position += step;
    }
    mono[frame] = sum / channels;
  }
  return mono;
}

// Float input can hold NaN, infinities or huge values that would poison every
// resampled sample near them; full scale is ±1, so anything beyond is clipping anyway.
function clampUnit(sample: number): number {
  if (sample > 1) return 1;
  if (sample < -1) return -1;
  return Number.isNaN(sample) ? 0 : sample;
}

function g711Table(decode: (code: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let code = 0; code < 256; code++) table[code] = decode(code) / 32768;
  return table;
}

/** ITU-T G.711 A-law code to a 16-bit linear value. */
function decodeALaw(code: number): number {
  const bits = code ^ 0x55;
  const exponent = (bits >> 4) & 7;
  const mantissa = bits & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return bits & 0x80 ? magnitude : -magnitude;
}

/** ITU-T G.711 µ-law code to a 16-bit linear value. */
function decodeMuLaw(code: number): number {
  const bits = ~code & 0xff;
  const exponent = (bits >> 4) & 7;
  const mantissa = bits & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return bits & 0x80 ? -magnitude : magnitude;
}
