import type { NgramLanguageModel } from '../lm/index.js';
import { BestPath } from './best-path.js';
import { grammarOf, UNKNOWN_PHRASE, type Grammar } from './grammar.js';
import { hotwordTrie } from './hotwords.js';
import { logAddExp } from './log-math.js';
import { PrefixSearch, type BeamEntry, type PrefixNode } from './prefix-search.js';
import { SessionGuard } from './session-guard.js';
import type { CtcDecoder, DecoderSession, Hypothesis, SessionOptions } from './types.js';
import { CtcVocabulary, type VocabularyOptions } from './vocabulary.js';
import { WordScorer } from './word-scorer.js';
import { hypothesisOf } from './words.js';

export interface BeamSearchOptions extends VocabularyOptions {
  /** Word n-gram model for shallow fusion. Without one, alpha, beta and unkPenalty do nothing. */
  lm?: NgramLanguageModel;
  /** Prefixes kept per frame (default 32). */
  beam?: number;
  /** LM weight: alpha · ln P_lm(word | history) is added as each word completes (default 0.5). */
  alpha?: number;
  /** Bonus per word, natural log (default 1), against the LM's preference for fewer words. */
  beta?: number;
  /** Added for each word the LM does not know, on top of its <unk> probability (default -5). */
  unkPenalty?: number;
  /** Characters with a lower log-probability in a frame are not tried there (default -10). */
  tokenPruneLogProb?: number;
  /**
   * Per frame, only the most probable characters that bring the probability, blank included, up to
   * this are tried (default 0.999). A frame whose blank alone has it only carries the beam forward.
   */
  tokenPruneMass?: number;
  /**
   * Grammar sessions with "[unk]": out of grammar when the best phrase's ln P_ctc is more than this
   * much below the best path's, per frame of speech (first to last emission of the best path) (default 0.5).
   */
  unkThreshold?: number;
}

export const BEAM_SEARCH_DEFAULTS = {
  beam: 32,
  alpha: 0.5,
  beta: 1,
  unkPenalty: -5,
  tokenPruneLogProb: -10,
  tokenPruneMass: 0.999,
  unkThreshold: 0.5,
} as const;

type Settings = { -readonly [K in keyof typeof BEAM_SEARCH_DEFAULTS]: number };

/**
 * CTC prefix beam search with shallow fusion of a word n-gram LM: a hypothesis scores
 * ln P_ctc + alpha · ln P_lm(words, </s> at the end) + beta · words + unkPenalty · unknown words
 * + hot-word boosts. Sessions may add hot words, or a grammar, which replaces the LM (and beta):
 * phrases are then ranked by ln P_ctc and hot-word boosts alone.
 */
export class BeamSearchDecoder implements CtcDecoder {
  readonly settings: Readonly<Settings>;
  private readonly vocabulary: CtcVocabulary;
  private readonly lm: NgramLanguageModel | undefined;

  constructor(options: BeamSearchOptions) {
    this.vocabulary = new CtcVocabulary(options);
    this.lm = options.lm;
    const settings: Settings = { ...BEAM_SEARCH_DEFAULTS };
    for (const key of Object.keys(settings) as (keyof Settings)[]) settings[key] = options[key] ?? settings[key];
    if (!(Number.isInteger(settings.beam) && settings.beam > 0)) throw new RangeError(`beam must be a positive integer, got ${settings.beam}`);
    this.settings = settings;
  }

  createSession(options: SessionOptions = {}): DecoderSession {
    const grammar = options.grammar?.length ? grammarOf(options.grammar, this.vocabulary) : undefined;
    const scorer = new WordScorer(grammar ? undefined : this.lm, this.settings);
    const search = new PrefixSearch({
      ...this.settings,
      vocabulary: this.vocabulary,
      scorer,
      hotwords: hotwordTrie(options.hotwords ?? [], this.vocabulary),
      grammar: grammar?.root ?? null,
    });
    return new BeamSearchSession(search, scorer, this.vocabulary, grammar, this.settings.unkThreshold);
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
  private readonly guard = new SessionGuard();

  constructor(
    private readonly search: PrefixSearch,
    private readonly scorer: WordScorer,
    private readonly vocabulary: CtcVocabulary,
    private readonly grammar: Grammar | undefined,
    private readonly unkThreshold: number,
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
  }

  peek(provisional?: Float32Array, provisionalFrames = 0): Hypothesis {
    this.guard.check();
    if (!provisional || provisionalFrames === 0) return this.ranked(this.beam, this.path, 1)[0]!;
    this.vocabulary.checkFrames(provisional, provisionalFrames);
    const path = this.path.clone();
    path.push(provisional, provisionalFrames);
    return this.ranked(this.advance(this.beam, provisional, provisionalFrames, this.frames), path, 1)[0]!;
  }

  finish(maxAlternatives = 1): Hypothesis[] {
    this.guard.finish();
    return this.ranked(this.beam, this.path, maxAlternatives);
  }

  private advance(beam: BeamEntry[], logprobs: Float32Array, frames: number, firstFrame: number): BeamEntry[] {
    for (let f = 0; f < frames; f++) beam = this.search.step(beam, logprobs, f * this.vocabulary.size, firstFrame + f);
    return beam;
  }

  private ranked(beam: readonly BeamEntry[], path: BestPath, count: number): Hypothesis[] {
    const endings = beam.filter((e) => !this.grammar || e.node.grammar?.complete).map((e) => this.ending(e));
    const ranked = this.distinct(endings);
    const hypotheses = ranked.slice(0, count).map((r) => r.hypothesis);
    if (!this.grammar) return hypotheses.length > 0 ? hypotheses : [nothing(path)];
    if (path.characters.length === 0) return [nothing(path)];
    if (this.grammar.allowsUnknown && (ranked.length === 0 || this.outOfGrammar(ranked[0]!.acoustic, path))) {
      return [unknown(path), ...hypotheses].slice(0, count);
    }
    return hypotheses.length > 0 ? hypotheses : [nothing(path)];
  }

  private outOfGrammar(acoustic: number, path: BestPath): boolean {
    const chars = path.characters;
    const speechFrames = chars[chars.length - 1]!.end - chars[0]!.start;
    return (path.logProb - acoustic) / speechFrames > this.unkThreshold;
  }

  /** Scores the last word, if the prefix does not end with a space, and the end of the sentence. */
  private ending(entry: BeamEntry): Ending {
    const node: PrefixNode = entry.node;
    let score = node.score;
    let state = node.lmState;
    if (node.token !== this.vocabulary.space) {
      const word = this.scorer.word(state, this.search.wordBefore(node));
      score += word.score + (node.hotword?.complete ?? 0);
      state = word.state;
    }
    const acoustic = logAddExp(entry.blank, entry.nonBlank);
    return { entry, acoustic, score: acoustic + score + this.scorer.end(state) };
  }

  /** Hypotheses best first, prefixes with the same text (one with a trailing space) merged. */
  private distinct(endings: Ending[]): { hypothesis: Hypothesis; acoustic: number }[] {
    const byText = new Map<string, { hypothesis: Hypothesis; acoustic: number }>();
    for (const ending of endings.sort((a, b) => b.score - a.score)) {
      const hypothesis = hypothesisOf(this.search.charactersOf(ending.entry), this.vocabulary, ending.score);
      const same = byText.get(hypothesis.text);
      if (same) {
        same.hypothesis.score = logAddExp(same.hypothesis.score, ending.score);
        same.acoustic = logAddExp(same.acoustic, ending.acoustic);
      } else {
        byText.set(hypothesis.text, { hypothesis, acoustic: ending.acoustic });
      }
    }
    return [...byText.values()].sort((a, b) => b.hypothesis.score - a.hypothesis.score);
  }
}

function nothing(path: BestPath): Hypothesis {
  return { text: '', words: [], score: path.logProb };
}

/** "[unk]" over the best path's speech, with its characters' mean peak as confidence. */
function unknown(path: BestPath): Hypothesis {
  const chars = path.characters;
  const conf = chars.reduce((sum, c) => sum + c.peak, 0) / chars.length;
  const word = { word: UNKNOWN_PHRASE, start: chars[0]!.start, end: chars[chars.length - 1]!.end, conf };
  return { text: UNKNOWN_PHRASE, words: [word], score: path.logProb };
}
