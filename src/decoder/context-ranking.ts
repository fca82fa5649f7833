import type { CompiledContext } from '../intent/index.js';
import type { BestPath } from './best-path.js';
import type { ContextGrammar } from './context-grammar.js';
import type { Hypothesis } from './types.js';
import { withWords, writtenWords } from './words.js';

/**
 * Intent confidence below which a context session reports "[unk]" and intent null. Tuned on
 * bench/intents.mjs: commands in noise against out-of-context sentences (see docs/intents.md).
 */
export const DEFAULT_MIN_INTENT_CONFIDENCE = 0.2;

/** Readings of a sentence's homophones tried for one the context parses. */
const MAX_READINGS = 64;

/** A context's sentences decoded by the prefix search, with the best one's intent. */
export class ContextRanking {
  constructor(
    private readonly context: CompiledContext,
    private readonly grammar: ContextGrammar,
    private readonly minConfidence: number,
  ) {}

  /** A sentence prefix's written words read as the context's words. */
  partial(hypothesis: Hypothesis): Hypothesis {
    const [reading] = this.grammar.readings(writtenWords(hypothesis), 1);
    return reading ? withWords(hypothesis, reading) : hypothesis;
  }

  /**
   * The hypotheses of complete sentences, best first, whose best has ln P_ctc `bestAcoustic`
   * (undefined: none completed), the best with its intent: "" when nothing was said, and "[unk]"
   * with intent null when no sentence completed or the best falls short of the confidence.
   * Written words are read as the context's words; of a phone model's homophones, as the reading
   * the context parses.
   */
  result(hypotheses: Hypothesis[], bestAcoustic: number | undefined, path: BestPath, count: number): Hypothesis[] {
    if (path.characters.length === 0) return [{ ...path.nothingSaid(), intent: null }];
    const [best, ...others] = hypotheses;
    const read = others.map((h) => this.partial(h));
    const parsed = best && this.parse(best);
    const confidence = parsed ? Math.exp(-Math.max(0, path.logProb - bestAcoustic!) / best.text.length) : 0;
    if (!parsed || confidence < this.minConfidence) return [{ ...path.unknown(), intent: null }, ...(best ? [this.partial(best)] : []), ...read].slice(0, count);
    const { hypothesis, match } = parsed;
    return [{ ...hypothesis, intent: { name: match.intent, slots: match.slots, confidence } }, ...read];
  }

  private parse(hypothesis: Hypothesis) {
    for (const words of this.grammar.readings(writtenWords(hypothesis), MAX_READINGS)) {
      const match = this.context.parse(words);
      if (match) return { hypothesis: withWords(hypothesis, words), match };
    }
    return undefined;
  }
}
