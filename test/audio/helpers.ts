import wavefile from 'wavefile';

const { WaveFile } = wavefile;

export type WavBitDepth = '8' | '16' | '24' | '32' | '32f' | '64';

export function tone(frequency: number, sampleRate: number, seconds: number, amplitude = 1): Float32Array {
  const samples = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i++) samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return samples;
}

/**
 * Amplitude of the component of `samples` at `frequency`: a Hann-windowed single-bin DFT
 * over the interior, skipping `margin` samples at each end where the filter sees zero padding.
 */
export function toneAmplitude(samples: Float32Array, frequency: number, sampleRate: number, margin = 400): number {
  const start = margin;
  const end = samples.length - margin;
  let real = 0;
  let imaginary = 0;
  let windowSum = 0;
  for (let i = start; i < end; i++) {
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i - start)) / (end - start));
    const angle = (2 * Math.PI * frequency * i) / sampleRate;
    real += window * samples[i]! * Math.cos(angle);
    imaginary += window * samples[i]! * Math.sin(angle);
    windowSum += window;
  }
  return (2 * Math.hypot(real, imaginary)) / windowSum;
}

/**
 * Level in dB, relative to the tone, of whatever in the interior of `samples` is not a sinusoid
 * at exactly `frequency` (least-squares fit of its sine and cosine parts, then the residual RMS).
 */
export function residualDb(samples: Float32Array, frequency: number, sampleRate: number, margin = 400): number {
  let ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
  for (let i = margin; i < samples.length - margin; i++) {
    const angle = (2 * Math.PI * frequency * i) / sampleRate;
    const [sin, cos, y] = [Math.sin(angle), Math.cos(angle), samples[i]!];
    ss += sin * sin;
    sc += sin * cos;
    cc += cos * cos;
    ys += y * sin;
    yc += y * cos;
  }
  const determinant = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / determinant;
  const b = (yc * ss - ys * sc) / determinant;
  let residualEnergy = 0;
  for (let i = margin; i < samples.length - margin; i++) {
    const angle = (2 * Math.PI * frequency * i) / sampleRate;
    residualEnergy += (samples[i]! - a * Math.sin(angle) - b * Math.cos(angle)) ** 2;
  }
  const residualRms = Math.sqrt(residualEnergy / (samples.length - 2 * margin));
  return decibels(residualRms / (Math.hypot(a, b) / Math.SQRT2));
}

/** Peak amplitude of a sine with the interior RMS of `samples`, whatever its frequencies. */
export function rmsAmplitude(samples: Float32Array, margin = 400): number {
  let energy = 0;
  for (let i = margin; i < samples.length - margin; i++) energy += samples[i]! ** 2;
  return Math.sqrt((2 * energy) / (samples.length - 2 * margin));
}

export const decibels = (ratio: number): number => 20 * Math.log10(ratio);

export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Splits `total` items into consecutive random-sized pieces, empty pieces included. */
export function randomSplits(total: number, random: () => number, maxPiece: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  for (let start = 0; start < total; ) {
    const end = Math.min(total, start + randomInt(random, 0, maxPiece));
    pieces.push([start, end]);
    start = end;
  }
  return pieces;
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** A WAV file made by wavefile from per-channel samples in [-1, 1]. */
export function wavefileWav(bitDepth: WavBitDepth, sampleRate: number, channels: Float32Array[]): InstanceType<typeof WaveFile> {
  const wav = new WaveFile();
  const scaled = channels.map((channel) => Array.from(channel, (sample) => toWavefileRange(sample, bitDepth)));
  wav.fromScratch(channels.length, sampleRate, bitDepth, channels.length === 1 ? scaled[0]! : scaled);
  return wav;
}

function toWavefileRange(sample: number, bitDepth: WavBitDepth): number {
  switch (bitDepth) {
    case '8':
      return Math.round(sample * 127 + 128);
    case '32f':
    case '64':
      return sample;
    default: {
      const fullScale = 2 ** (Number(bitDepth) - 1);
      return Math.max(-fullScale, Math.min(fullScale - 1, Math.round(sample * fullScale)));
    }
  }
}

/** Rewrites a wavefile-made WAV's fmt chunk as WAVE_FORMAT_EXTENSIBLE with the given sub-format tag. */
export function asExtensible(wav: InstanceType<typeof WaveFile>, subFormatTag: number): Uint8Array {
  const fmt = wav.fmt as Record<string, unknown>;
  Object.assign(fmt, {
    chunkSize: 40,
    audioFormat: 0xfffe,
    cbSize: 22,
    validBitsPerSample: fmt.bitsPerSample,
    dwChannelMask: 0,
    subformat: [subFormatTag, 0x00100000, 0xaa000080, 0x719b3800],
  });
  return wav.toBuffer();
}

/** A canonical 44-byte-header PCM WAV around raw sample bytes; the fields are offsets 20–43. */
export function pcm16Wav(samples: Int16Array, sampleRate: number, channels = 1): Uint8Array {
  const bytes = new Uint8Array(44 + samples.byteLength);
  const view = new DataView(bytes.buffer);
  const fourCC = (offset: number, id: string) => [...id].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  fourCC(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  fourCC(8, 'WAVE');
  fourCC(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  fourCC(36, 'data');
  view.setUint32(40, samples.byteLength, true);
  bytes.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), 44);
  return bytes;
}

export function withUint(bytes: Uint8Array, offset: number, byteCount: 2 | 4, value: number): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  if (byteCount === 2) view.setUint16(offset, value, true);
  else view.setUint32(offset, value, true);
  return copy;
}
