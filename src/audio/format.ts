/** The sample rate every stage after the audio layer works at. */
export const SAMPLE_RATE = 16000;

/** Mono audio at its original sample rate; `warning` says when the file was cut short (its audio is all there is). */
export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  warning?: string;
}

/** Mono SAMPLE_RATE samples, with DecodedAudio's warning. */
export interface AudioWithWarning {
  samples: Float32Array;
  warning?: string;
}
