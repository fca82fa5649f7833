/** The sample rate every stage after the audio layer works at. */
export const SAMPLE_RATE = 16000;

/** Mono audio at its original sample rate. */
export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
}
