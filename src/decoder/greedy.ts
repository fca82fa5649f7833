import { BeamSearchDecoder, type BeamSearchOptions } from './beam-search.js';
import { BestPath } from './best-path.js';
import { SessionGuard } from './session-guard.js';
import type { CtcDecoder, DecoderSession, Hypothesis, SessionOptions } from './types.js';
import { CtcVocabulary, type VocabularyOptions } from './vocabulary.js';

/**
 * Best-path decoding: the most probable symbol per frame, repeats collapsed, blanks dropped, words
 * split at spaces. Its score is the best path's natural-log probability, and it gives one hypothesis.
 * Hot words, grammars and contexts need a search, so a session with any is a BeamSearchDecoder session
 * with `search`'s settings and no language model.
 */
export class GreedyDecoder implements CtcDecoder {
  private readonly vocabulary: CtcVocabulary;
  private search: BeamSearchDecoder | undefined;

  constructor(private readonly options: VocabularyOptions & { search?: Omit<BeamSearchOptions, keyof VocabularyOptions | 'lm'> }) {
    this.vocabulary = new CtcVocabulary(options);
  }

  createSession(options: SessionOptions = {}): DecoderSession {
    if (options.hotwords?.length || options.grammar?.length || options.context) {
      this.search ??= new BeamSearchDecoder({ ...this.options.search, vocabulary: this.options.vocabulary, blank: this.options.blank });
      return this.search.createSession(options);
    }
    return new GreedySession(this.vocabulary);
  }
}

class GreedySession implements DecoderSession {
  private readonly path: BestPath;
  private readonly guard = new SessionGuard();

  constructor(private readonly vocabulary: CtcVocabulary) {
    this.path = new BestPath(vocabulary);
  }

  pushFrames(logprobs: Float32Array, frames: number): void {
    this.guard.check();
    this.vocabulary.checkFrames(logprobs, frames);
    this.path.push(logprobs, frames);
  }

  peek(provisional?: Float32Array, provisionalFrames = 0): Hypothesis {
    this.guard.check();
    if (!provisional || provisionalFrames === 0) return this.path.hypothesis();
    this.vocabulary.checkFrames(provisional, provisionalFrames);
    const path = this.path.clone();
    path.push(provisional, provisionalFrames);
    return path.hypothesis();
  }

  finish(): Hypothesis[] {
    this.guard.finish();
    return [this.path.hypothesis()];
  }
}
