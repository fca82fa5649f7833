/** One triangular filter over a contiguous run of FFT bins. */
export interface MelFilter {
  firstBin: number;
  weights: Float32Array;
}

export const hzToMel = (hz: number): number => 1127 * Math.log(1 + hz / 700);

/**
 * Kaldi's mel filterbank: triangles equally spaced on the mel scale, weights computed in the mel domain,
 * over the bins 0 .. fftSize/2 - 1 (meyda's spectrum drops the Nyquist bin, and so does Kaldi's).
 */
export function melFilterbank(
  sampleRate: number,
  fftSize: number,
  numBins: number,
  lowHz: number,
  highHz: number,
): MelFilter[] {
  const lowMel = hzToMel(lowHz);
  const melStep = (hzToMel(highHz) - lowMel) / (numBins + 1);
  const binHz = sampleRate / fftSize;
  const filters: MelFilter[] = [];
  for (let m = 0; m < numBins; m++) {
    const left = lowMel + m * melStep;
    const center = left + melStep;
    const right = center + melStep;
    const weights: number[] = [];
    let firstBin = -1;
    for (let k = 0; k < fftSize / 2; k++) {
      const mel = hzToMel(k * binHz);
      if (mel <= left || mel >= right) continue;
      if (firstBin < 0) firstBin = k;
      weights.push(mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center));
    }
    filters.push({ firstBin: Math.max(firstBin, 0), weights: Float32Array.from(weights) });
  }
  return filters;
}

/** Orthonormal DCT-II rows 0 .. numCeps-1, as Kaldi and torchaudio compute MFCC. */
export function dctMatrix(numCeps: number, numBins: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let k = 0; k < numCeps; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / numBins);
    const row = new Float64Array(numBins);
    for (let n = 0; n < numBins; n++) row[n] = scale * Math.cos((Math.PI / numBins) * (n + 0.5) * k);
    rows.push(row);
  }
  return rows;
}
