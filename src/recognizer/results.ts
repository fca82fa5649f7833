import type { DecodedWord, Hypothesis, Intent } from '../decoder/index.js';

/** A recognised word, as vosk reports it: times in seconds from the start of the stream. */
export interface WordResult {
  word: string;
  start: number;
  end: number;
  conf: number;
}

export interface PartialResult {
  partial: string;
  partial_result?: WordResult[];
}

export interface Alternative {
  text: string;
  confidence: number;
  result?: WordResult[];
}

/** vosk's final shape; with alternatives requested it holds `alternatives` instead of `text`. */
export interface FinalResult {
  text?: string;
  result?: WordResult[];
  alternatives?: Alternative[];
  /** With a context: what was asked, or null when not understood. */
  intent?: Intent | null;
}

export interface ResultOptions {
  /** Include word timings and confidences (default true). */
  words: boolean;
  /** N-best list size; 0 gives the plain `{text, result}` shape (default 0). */
  maxAlternatives: number;
}

/** Turns decoder hypotheses into vosk-shaped results, with frame indices shifted by `offsetFrames`. */
export class ResultBuilder {
  constructor(private readonly frameRate: number) {}

  words(words: DecodedWord[], offsetFrames: number): WordResult[] {
    const seconds = (frame: number): number => round((frame + offsetFrames) / this.frameRate, 3);
    return words.map((w) => ({ word: w.word, start: seconds(w.start), end: seconds(w.end), conf: round(w.conf, 6) }));
  }

  partial(best: Hypothesis, offsetFrames: number, words: boolean): PartialResult {
    return words ? { partial: best.text, partial_result: this.words(best.words, offsetFrames) } : { partial: best.text };
  }

  final(hypotheses: Hypothesis[], offsetFrames: number, options: ResultOptions): FinalResult {
    return withIntent(this.finalOf(hypotheses, offsetFrames, options), hypotheses[0]?.intent);
  }

  private finalOf(hypotheses: Hypothesis[], offsetFrames: number, options: ResultOptions): FinalResult {
    if (options.maxAlternatives > 0) {
      return { alternatives: hypotheses.slice(0, options.maxAlternatives).map((h) => this.alternative(h, offsetFrames, options.words)) };
    }
    const best = hypotheses[0] ?? { text: '', words: [], score: 0 };
    return options.words ? { text: best.text, result: this.words(best.words, offsetFrames) } : { text: best.text };
  }

  private alternative(h: Hypothesis, offsetFrames: number, words: boolean): Alternative {
    const alt: Alternative = { text: h.text, confidence: round(h.score, 3) };
    if (words) alt.result = this.words(h.words, offsetFrames);
    return alt;
  }
}

/** The final with the intent, when the decoder gave one (a context session), its confidence rounded to 3 digits. */
function withIntent(final: FinalResult, intent: Intent | null | undefined): FinalResult {
  if (intent === undefined) return final;
  return { ...final, intent: intent && { ...intent, confidence: round(intent.confidence, 3) } };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
