/**
 * When an utterance ends, after sherpa-onnx's rules. Silence is counted in the acoustic model's own
 * terms: trailing frames whose most likely symbol is the CTC blank, so noise without speech does
 * not hold an utterance open the way an energy detector's would.
 */
export interface EndpointRules {
  /** Seconds of trailing silence that end an utterance in which nothing was recognised (default 2.4). */
  silenceWithoutSpeech: number;
  /** Seconds of trailing silence that end an utterance after some text (default 1.0). */
  silenceAfterSpeech: number;
  /** Utterance length in seconds that forces an endpoint (default 20). */
  maxUtterance: number;
}

export const DEFAULT_ENDPOINT_RULES: EndpointRules = {
  silenceWithoutSpeech: 2.4,
  silenceAfterSpeech: 1.0,
  maxUtterance: 20,
};

export class EndpointDetector {
  private frames = 0;
  private trailingBlanks = 0;
  private firstSpeech = -1;

  constructor(private readonly rules: EndpointRules, private readonly frameRate: number, private readonly blank: number) {}

  /**
   * Takes final frames' log-probabilities, frame by frame; true once the utterance has reached an
   * endpoint. It stops at that frame, so utteranceFrames then says where the utterance ends and
   * the block's later frames belong to the next one.
   */
  update(logprobs: Float32Array, frames: number, vocab: number): boolean {
    for (let t = 0; t < frames; t++) {
      if (argmax(logprobs, t * vocab, vocab) === this.blank) this.trailingBlanks++;
      else {
        this.trailingBlanks = 0;
        if (this.firstSpeech < 0) this.firstSpeech = this.frames;
      }
      this.frames++;
      if (this.reached()) return true;
    }
    return false;
  }

  /** Model frames in the utterance so far. */
  get utteranceFrames(): number {
    return this.frames;
  }

  /** The model frames from the first to the last that were not blank, if any were. */
  speechSpan(): { start: number; end: number } | undefined {
    return this.firstSpeech < 0 ? undefined : { start: this.firstSpeech, end: this.frames - this.trailingBlanks };
  }

  private reached(): boolean {
    const silence = this.trailingBlanks / this.frameRate;
    if (this.frames / this.frameRate >= this.rules.maxUtterance) return true;
    return this.firstSpeech >= 0 ? silence >= this.rules.silenceAfterSpeech : silence >= this.rules.silenceWithoutSpeech;
  }

  reset(): void {
    this.frames = 0;
    this.trailingBlanks = 0;
    this.firstSpeech = -1;
  }
}

function argmax(values: Float32Array, offset: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}
