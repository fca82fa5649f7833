/** A whole recording peaking below this (-20 dBFS) is quiet and gets boosted. */
export const QUIET_PEAK = 0.1;
/** The peak a quiet recording is boosted to (-12 dBFS), where the training speech sits. */
export const BOOSTED_PEAK = 0.25;
/** The most a recording is boosted (30 dB), so a file of faint noise stays faint. */
export const MAX_BOOST = 31.6;

/**
 * The recording scaled so that its peak reaches BOOSTED_PEAK, if it peaks below QUIET_PEAK (at most
 * by MAX_BOOST); otherwise the recording itself. The features floor mel energies at an absolute
 * level, so very quiet speech loses its quieter sounds under the floor (measured on 80 AN4 test
 * clips, beam+LM WER: 3.77 as recorded, 6.07 at -20 dB and 16.95 at -40 dB; 3.97 and 7.53 boosted).
 */
export function boostQuietRecording(samples: Float32Array): Float32Array {
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
  if (peak === 0 || peak >= QUIET_PEAK) return samples;
  const gain = Math.min(BOOSTED_PEAK / peak, MAX_BOOST);
  return samples.map((sample) => sample * gain);
}
