import type { CompiledContext } from '../intent/index.js';
import type { NgramLanguageModel } from '../lm/index.js';
import { concatArrays } from '../audio/concat.js';
import { BestPath } from './best-path.js';
import { alignTokens } from './ctc-align.js';
import { ContextGrammar } from './context-grammar.js';
import { ContextRanking, DEFAULT_MIN_INTENT_CONFIDENCE } from './context-ranking.js';
import { grammarOf, type Grammar } from './grammar.js';
import { DEFAULT_HOTWORD_BOOST, hotwordBonus, hotwordTrie, type HotwordNode } from './hotwords.js';
import { Lexicon } from './lexicon.js';
import { logAddExp } from './log-math.js';
import { PrefixSearch, type BeamEntry, type PrefixNode } from './prefix-search.js';
import { SessionGuard } from './session-guard.js';
import type { CtcDecoder, DecoderSession, Hypothesis, SessionOptions } from './types.js';
import { CtcVocabulary, type VocabularyOptions } from './vocabulary.js';
import { WordScorer } from './word-scorer.js';
import { CharacterSpelling, type Spelling } from './spelling.js';
import { hypothesisOf, withWords, writtenWords } from './words.js';

export interface BeamSearchOptions extends VocabularyOptions {
  /** Word n-gram model for shallow fusion. Without one, alpha, beta and unkPenalty do nothing. */
  lm?: NgramLanguageModel;
  /** How the tokens write words (default: as characters, CharacterSpelling). */
  spelling?: Spelling;
  /** Prefixes kept per frame (default 32). */
  beam?: number;
  /**
   * Prefixes kept per frame in context sessions (default 128). Without an LM every prefix of a
   * context competes on acoustics alone, and with 32 the prefixes that could still finish a sentence
   * were often all pruned: on noisy synthetic commands, 128 finds a sentence where 32 and 64 end with none.
   */
  contextBeam?: number;
  /** LM weight: alpha · ln P_lm(word | history) is added as each word completes (default 0.4). */
  alpha?: number;
  /** Bonus per word, natural log (default 1.5), against the LM's preference for fewer words. */
  beta?: number;
  /**
   * Spelling cost per character of a word the LM does not know, on top of alpha · ln P_lm(<unk>)
   * (default -2). Per character, not per word: a flat cost makes one long unknown word cheaper than
   * the known words it swallows, and the search stops emitting spaces. Hot words are exempt.
   */
  unkPenalty?: number;
  /** Characters with a lower log-probability in a frame are not tried there (default -10). */
  tokenPruneLogProb?: number;
  /**
   * Per frame, only the most probable characters that bring the probability, blank included, up to
   * this are tried (default 0.999). A frame whose blank alone has it only carries the beam forward.
   */
  tokenPruneMass?: number;
  /**
   * Grammar sessions with "[unk]": out of grammar when the best phrase's ln P_ctc (its best
   * alignment's) is more than this much below the best path's, per frame of speech (first to last
   * emission of the best path) (default 0.5; training/tune_decoder.mjs tunes it per model).
   */
  unkThreshold?: number;
}

/**
 * alpha, beta and unkPenalty sit in the middle of a flat optimum on synthetic posteriors of
 * held-out sentences with this repository's LM; tune them on the dev sets with the real model.
 */
export const BEAM_SEARCH_DEFAULTS = {
  beam: 32,
  contextBeam: 128,
  alpha: 0.4,
  beta: 1.5,
  unkPenalty: -2,
  tokenPruneLogProb: -10,
  tokenPruneMass: 0.999,
  unkThreshold: 0.5,
} as const;

type Settings = { -readonly [K in keyof typeof BEAM_SEARCH_DEFAULTS]: number };

/**
 * CTC prefix beam search with shallow fusion of a word n-gram LM. A hypothesis scores
 *   ln P_ctc + alpha · ln P_lm(words, then </s>) + beta · words
 *   + unkPenalty · characters of words the LM does not know + hot-word boosts,
 * the LM terms added as each word completes. Sessions may add hot words, or a grammar, which
 * replaces the LM and beta: phrases are then ranked by ln P_ctc and hot-word boosts alone.
 */
export class BeamSearchDecoder implements CtcDecoder {
  readonly settings: Readonly<Settings>;
  private readonly vocabulary: CtcVocabulary;
  private readonly lm: NgramLanguageModel | undefined;
  private readonly lexicon: Lexicon | undefined;
  private readonly spelling: Spelling;
  /** Each context's grammar over this vocabulary, shared by the sessions that use it. */
  private readonly contexts = new WeakMap<CompiledContext, ContextGrammar>();

  constructor(options: BeamSearchOptions) {
    this.vocabulary = new CtcVocabulary(options);
    this.lm = options.lm;
    this.spelling = options.spelling ?? new CharacterSpelling(this.vocabulary);
    this.lexicon = options.lm && new Lexicon(options.lm, this.vocabulary, this.spelling);
    const settings: Settings = { ...BEAM_SEARCH_DEFAULTS };
    for (const key of Object.keys(settings) as (keyof Settings)[]) settings[key] = options[key] ?? settings[key];
    for (const key of ['beam', 'contextBeam'] as const) {
      if (!(Number.isInteger(settings[key]) && settings[key] > 0)) throw new RangeError(`${key} must be a positive integer, got ${settings[key]}`);
    }
    if (!(settings.alpha >= 0)) throw new RangeError(`alpha must be at least 0, got ${settings.alpha}`);
    if (!(settings.unkPenalty <= 0)) throw new RangeError(`unkPenalty must be at most 0, got ${settings.unkPenalty}`);
    this.settings = settings;
  }

  createSession(options: SessionOptions = {}): DecoderSession {
    const grammar = options.grammar?.length && !options.context ? grammarOf(options.grammar, this.vocabulary, this.spelling) : undefined;
    const context = options.context && this.contextGrammar(options.context);
    const lm = grammar || context ? undefined : this.lm;
    const scorer = lm ? new WordScorer(lm, this.lexicon, this.settings) : new WordScorer(undefined, undefined, this.settings);
    const hotwords = options.hotwords ?? [];
    const trie = hotwordTrie(hotwords, this.vocabulary, this.spelling);
    const search = new PrefixSearch({
      ...this.settings,
      beam: context ? this.settings.contextBeam : this.settings.beam,
      vocabulary: this.vocabulary,
      scorer,
      hotwords: trie,
      grammar: grammar?.root ?? context?.root() ?? null,
      maxGain: Math.max(this.settings.beta, 0) + Math.max(0, ...hotwords.map((h) => h.boost ?? DEFAULT_HOTWORD_BOOST)),
    });
    const phrases = grammar && new PhraseRanking(grammar, trie, this.vocabulary, this.settings.unkThreshold);
    const intents = context && new ContextRanking(options.context!, context, options.minIntentConfidence ?? DEFAULT_MIN_INTENT_CONFIDENCE);
    const read = grammar
      ? (h: Hypothesis, node: PrefixNode): Hypothesis => withWords(h, node.grammar!.phrase!)
      : (h: Hypothesis): Hypothesis => (context ? h : withWords(h, this.spelling.read(writtenWords(h), lm)));
    return new BeamSearchSession(search, scorer, this.vocabulary, phrases ?? intents, read);
  }

  private contextGrammar(context: CompiledContext): ContextGrammar {
    let grammar = this.contexts.get(context);
    if (!grammar) this.contexts.set(context, (grammar = new ContextGrammar(context.graph, this.vocabulary, this.spelling)));
    return grammar;
  }
}

/** A beam entry scored as if the utterance ended with it. */
interface Ending {
  entry: BeamEntry;
  /** ln P_ctc of the prefix. */
  acoustic: number;
  score: number;
}

class BeamSearchSession implements DecoderSession {
  private beam: BeamEntry[];
  private readonly path: BestPath;
  private frames = 0;
  /** With a grammar, every pushed frame, so that finish() can score each whole phrase. */
  private readonly pushed: Float32Array[] = [];
  private readonly guard = new SessionGuard();

  constructor(
    private readonly search: PrefixSearch,
    private readonly scorer: WordScorer,
    private readonly vocabulary: CtcVocabulary,
    /** A flat grammar's phrases, or a context's intents. */
    private readonly constraint: PhraseRanking | ContextRanking | undefined,
    /** A hypothesis' written words read as words, but for a context's (ContextRanking reads those). */
    private readonly read: (hypothesis: Hypothesis, node: PrefixNode) => Hypothesis,
  ) {
    this.beam = search.initialBeam();
    this.path = new BestPath(vocabulary);
  }

  pushFrames(logprobs: Float32Array, frames: number): void {
    this.guard.check();
    this.vocabulary.checkFrames(logprobs, frames);
    this.beam = this.advance(this.beam, logprobs, frames, this.frames);
    this.path.push(logprobs, frames);
    this.frames += frames;
    if (this.constraint instanceof PhraseRanking) this.pushed.push(logprobs.slice(0, frames * this.vocabulary.size));
  }

  peek(provisional?: Float32Array, provisionalFrames = 0): Hypothesis {
    this.guard.check();
    if (!provisional || provisionalFrames === 0) return this.partial(this.beam, this.path);
    this.vocabulary.checkFrames(provisional, provisionalFrames);
    const path = this.path.clone();
    path.push(provisional, provisionalFrames);
    return this.partial(this.advance(this.beam, provisional, provisionalFrames, this.frames), path);
  }

  /** With a context, the best prefix of a sentence, finished or not and without an intent; else the best result so far. */
  private partial(beam: readonly BeamEntry[], path: BestPath): Hypothesis {
    if (!(this.constraint instanceof ContextRanking)) return this.ranked(beam, path, 1)[0]!;
    if (beam.length === 0) return path.nothingSaid();
    const best = beam.reduce((a, b) => (b.total > a.total ? b : a));
    return this.constraint.partial(hypothesisOf(this.search.charactersOf(best), this.vocabulary, best.total));
  }

  /**
   * The best hypotheses. With a grammar, every phrase is scored over the whole utterance by its
   * best alignment: a beam over phrase prefixes drops the right phrase whenever a prefix of it
   * scores low midway (measured on the dev sets: 72% of utterances right with beam 32).
   */
  finish(maxAlternatives = 1): Hypothesis[] {
    this.guard.finish();
    if (this.constraint instanceof PhraseRanking) return this.constraint.rank(concatArrays(Float32Array, this.pushed), this.frames, this.path, maxAlternatives);
    return this.ranked(this.beam, this.path, maxAlternatives);
  }

  private advance(beam: BeamEntry[], logprobs: Float32Array, frames: number, firstFrame: number): BeamEntry[] {
    for (let f = 0; f < frames; f++) beam = this.search.step(beam, logprobs, f * this.vocabulary.size, firstFrame + f);
    return beam;
  }

  private ranked(beam: readonly BeamEntry[], path: BestPath, count: number): Hypothesis[] {
    const endings = this.distinct(beam.filter((e) => !this.constraint || e.node.grammar?.complete).map((e) => this.ending(e)));
    const hypotheses = endings.slice(0, count).map((e) => this.read(hypothesisOf(this.search.charactersOf(e.entry), this.vocabulary, e.score), e.entry.node));
    if (this.constraint) return this.constraint.result(hypotheses, endings[0]?.acoustic, path, count);
    return hypotheses.length > 0 ? hypotheses : [path.nothingSaid()];
  }

  /** Scores the last word, if the prefix does not end with a space, and the end of the sentence. */
  private ending(entry: BeamEntry): Ending {
    const node: PrefixNode = entry.node;
    let score = node.score;
    let state = node.lmState;
    if (node.token !== this.vocabulary.space) {
      const word = this.search.completeWord(node);
      score += word.score;
      state = word.state;
    }
    const acoustic = logAddExp(entry.blank, entry.nonBlank);
    return { entry, acoustic, score: acoustic + score + this.scorer.end(state) };
  }

  /**
   * Endings best first, with a prefix and the same prefix plus a trailing space (the same text, the
   * same fusion score) merged into the more probable one.
   */
  private distinct(endings: Ending[]): Ending[] {
    const byText = new Map<number, Ending>();
    for (const ending of endings) {
      const node = ending.entry.node;
      const key = node.token === this.vocabulary.space && node.parent ? node.parent.key : node.key;
      const same = byText.get(key);
      if (!same) {
        byText.set(key, ending);
        continue;
      }
      const merged = {
        entry: (same.score > ending.score ? same : ending).entry,
        acoustic: logAddExp(same.acoustic, ending.acoustic),
        score: logAddExp(same.score, ending.score),
      };
      byText.set(key, merged);
    }
    return [...byText.values()].sort((a, b) => b.score - a.score);
  }
}

/** A grammar's phrases ranked over a whole utterance by their best alignments and hot-word boosts. */
class PhraseRanking {
  constructor(
    private readonly grammar: Grammar,
    private readonly hotwords: HotwordNode | null,
    private readonly vocabulary: CtcVocabulary,
    private readonly unkThreshold: number,
  ) {}

  rank(logprobs: Float32Array, frames: number, path: BestPath, count: number): Hypothesis[] {
    const { size, blank, space } = this.vocabulary;
    const scored = this.grammar.phrases
      .map(({ tokens, words }) => ({ tokens, words, acoustic: alignTokens(logprobs, frames, size, blank, tokens, false).logProb }))
      .filter((p) => p.acoustic > -Infinity)
      .map((p) => ({ ...p, score: p.acoustic + hotwordBonus(p.tokens, this.hotwords, space) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, count);
    const hypotheses = scored.map((p) => withWords(hypothesisOf(alignTokens(logprobs, frames, size, blank, p.tokens).chars, this.vocabulary, p.score), p.words));
    return this.result(hypotheses, scored[0]?.acoustic, path, count);
  }

  /**
   * The phrase hypotheses, best first, whose best has ln P_ctc `bestAcoustic` (undefined: no phrase
   * fits): "" when nothing was said, and "[unk]" first when allowed and no phrase comes near the best path.
   */
  result(hypotheses: Hypothesis[], bestAcoustic: number | undefined, path: BestPath, count: number): Hypothesis[] {
    if (path.characters.length === 0) return [path.nothingSaid()];
    if (this.grammar.allowsUnknown && (bestAcoustic === undefined || this.outOfGrammar(bestAcoustic, path))) {
      return [path.unknown(), ...hypotheses].slice(0, count);
    }
    return hypotheses.length > 0 ? hypotheses : [path.nothingSaid()];
  }

  private outOfGrammar(acoustic: number, path: BestPath): boolean {
    return (path.logProb - acoustic) / path.speechFrames() > this.unkThreshold;
  }
}
