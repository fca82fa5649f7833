import type { CompiledContext } from '../intent/index.js';
import type { BestPath } from './best-path.js';
import type { Hypothesis } from './types.js';

/**
 * Intent confidence below which a context session reports "[unk]" and intent null. Tuned on
 * bench/intents.mjs: commands in noise against out-of-context sentences (see docs/intents.md).
 */
export const DEFAULT_MIN_INTENT_CONFIDENCE = 0.2;

/** A context's sentences decoded by the prefix search, with the best one's intent. */
export class ContextRanking {
  constructor(
    private readonly context: CompiledContext,
    private readonly minConfidence: number,
  ) {}

  /**
   * The hypotheses of complete sentences, best first, whose best has ln P_ctc `bestAcoustic`
   * (undefined: none completed), the best with its intent: "" when nothing was said, and "[unk]"
   * with intent null when no sentence completed or the best falls short of the confidence.
   */
  result(hypotheses: Hypothesis[], bestAcoustic: number | undefined, path: BestPath, count: number): Hypothesis[] {
    if (path.characters.length === 0) return [{ ...path.nothingSaid(), intent: null }];
    const best = hypotheses[0];
    const match = best && this.context.parse(best.words.map((w) => w.word));
    const confidence = match ? Math.exp(-Math.max(0, path.logProb - bestAcoustic!) / best.text.length) : 0;
    if (!match || confidence < this.minConfidence) return [{ ...path.unknown(), intent: null }, ...hypotheses].slice(0, count);
    return [{ ...best, intent: { name: match.intent, slots: match.slots, confidence } }, ...hypotheses.slice(1)];
  }
}
