/** Audio peaking below this (-20 dBFS) is quiet and gets boosted. */
export const QUIET_PEAK = 0.1;
/** The peak quiet audio is boosted to (-12 dBFS), where the training speech sits. */
export const BOOSTED_PEAK = 0.25;
/** The most audio is boosted (30 dB), so faint noise stays faint. */
export const MAX_BOOST = 31.6;

/**
 * The samples scaled so that their peak reaches BOOSTED_PEAK, if they peak below QUIET_PEAK (at most
 * by MAX_BOOST); otherwise the samples themselves. The features floor mel energies at an absolute
 * level, so very quiet speech loses its quieter sounds under the floor (measured on 80 AN4 test
 * clips, beam+LM WER: 3.77 as recorded, 6.07 at -20 dB and 16.95 at -40 dB; 3.97 and 6.69 boosted).
 */
export function boostQuietAudio(samples: Float32Array): Float32Array {
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
  if (peak === 0 || peak >= QUIET_PEAK) return samples;
  const gain = Math.min(BOOSTED_PEAK / peak, MAX_BOOST);
  return samples.map((sample) => sample * gain);
}
