import type { CompiledContext, SlotValueType } from '../intent/index.js';

export interface DecodedWord {
  word: string;
  /** First model frame of the word's first character emission. */
  start: number;
  /** Last model frame of the word's last character emission, plus one. */
  end: number;
  /**
   * Mean over the word's characters of each character's peak posterior: the highest probability
   * the model gave the character over the frames that emit it. In [0, 1].
   */
  conf: number;
}

export interface Hypothesis {
  /** Words separated by single spaces; "" when nothing was said. */
  text: string;
  words: DecodedWord[];
  /** Natural-log score the hypotheses are ranked by (see each decoder for what it sums). */
  score: number;
  /** With a context, on the best hypothesis of a finished session: what was asked, or null when not understood. */
  intent?: Intent | null;
}

/** What a command asked for, as a context's intent and slots. */
export interface Intent {
  name: string;
  slots: Record<string, SlotValueType>;
  /**
   * exp(-g), g being how far the sentence's ln P_ctc falls short of the best path's, in nats per
   * character of the sentence; in (0, 1]. Per character of the sentence rather than per frame:
   * out-of-context speech is longer than the command it is forced into, and the whole shortfall
   * lands on the command's few characters (on clean speech, in-context commands fell short by at
   * most 0.98 nats per character and speechocean762 sentences by at least 1.85).
   */
  confidence: number;
}

export interface Hotword {
  phrase: string;
  /** Natural-log bonus per completed word of the phrase (default DEFAULT_HOTWORD_BOOST). */
  boost?: number;
}

export interface SessionOptions {
  /** Phrases to favour in this stream. */
  hotwords?: Hotword[];
  /** Restricts the output to one of these phrases, like vosk's phrase list; "[unk]" allows an out-of-grammar result. */
  grammar?: string[];
  /** Restricts the output to the sentences of a compiled context and reports their intents. */
  context?: CompiledContext;
  /** With a context: below this intent confidence, the result is "[unk]" and intent null (default DEFAULT_MIN_INTENT_CONFIDENCE). */
  minIntentConfidence?: number;
}

/**
 * One utterance being decoded. Frame indices in results count from the session's first frame.
 * A session ends with finish(); using it afterwards throws.
 */
export interface DecoderSession {
  /** Adds final frames: row-major [frames x vocabulary] natural-log posteriors. */
  pushFrames(logprobs: Float32Array, frames: number): void;
  /** The best hypothesis as if the utterance ended after the pushed frames and these provisional ones, which are not kept. */
  peek(provisional?: Float32Array, provisionalFrames?: number): Hypothesis;
  /** Ends the utterance: the best `maxAlternatives` (default 1) distinct hypotheses, best first, at least one. */
  finish(maxAlternatives?: number): Hypothesis[];
}

export interface CtcDecoder {
  createSession(options?: SessionOptions): DecoderSession;
}
