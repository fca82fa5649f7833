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
  /**
   * Utterance length in seconds that forces an endpoint (default 20). The utterance is then cut in
   * its longest pause, and what follows the pause starts the next one.
   */
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
  /** The longest run of blank frames since the first speech: where a forced endpoint cuts. */
  private longestPause = { start: 0, length: 0 };

  constructor(private readonly rules: EndpointRules, private readonly frameRate: number, private readonly blank: number) {}

  /**
   * Takes final frames' log-probabilities, frame by frame; true once the utterance has reached an
   * endpoint. It stops at that frame; utteranceFrames then says where the utterance ends (in the
   * middle of its longest pause when the maximum length forced the endpoint), and the frames after
   * that belong to the next one.
   */
  update(logprobs: Float32Array, frames: number, vocab: number): boolean {
    for (let t = 0; t < frames; t++) {
      if (argmax(logprobs, t * vocab, vocab) === this.blank) this.countBlank();
      else {
        this.trailingBlanks = 0;
        if (this.firstSpeech < 0) this.firstSpeech = this.frames;
      }
      this.frames++;
      if (this.reachedMaximum() || this.reachedSilence()) return true;
    }
    return false;
  }

  /** Model frames in the utterance, up to its endpoint once one is reached. */
  get utteranceFrames(): number {
    const pause = this.cutPause();
    return pause ? pause.start + Math.floor(pause.length / 2) : this.frames;
  }

  /** The model frames from the first to the last that were not blank, if any were. */
  speechSpan(): { start: number; end: number } | undefined {
    if (this.firstSpeech < 0) return undefined;
    return { start: this.firstSpeech, end: this.cutPause()?.start ?? this.frames - this.trailingBlanks };
  }

  private countBlank(): void {
    this.trailingBlanks++;
    if (this.firstSpeech >= 0 && this.trailingBlanks >= this.longestPause.length) {
      this.longestPause = { start: this.frames + 1 - this.trailingBlanks, length: this.trailingBlanks };
    }
  }

  private reachedMaximum(): boolean {
    return this.frames / this.frameRate >= this.rules.maxUtterance;
  }

  private reachedSilence(): boolean {
    const silence = this.trailingBlanks / this.frameRate;
    return this.firstSpeech >= 0 ? silence >= this.rules.silenceAfterSpeech : silence >= this.rules.silenceWithoutSpeech;
  }

  /**
   * The pause an utterance that reached the maximum is cut in; without a pause after speech, it
   * ends where it reached the maximum.
   */
  private cutPause(): { start: number; length: number } | undefined {
    return this.reachedMaximum() && this.longestPause.length > 0 ? this.longestPause : undefined;
  }

  reset(): void {
    this.frames = 0;
    this.trailingBlanks = 0;
    this.firstSpeech = -1;
    this.longestPause = { start: 0, length: 0 };
  }
}

function argmax(values: Float32Array, offset: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}
