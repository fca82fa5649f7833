import { BeamSearchDecoder, type BeamSearchOptions } from './beam-search.js';
import { BestPath } from './best-path.js';
import { SessionGuard } from './session-guard.js';
import type { CtcDecoder, DecoderSession, Hypothesis, SessionOptions } from './types.js';
import { CharacterSpelling, type Spelling } from './spelling.js';
import { CtcVocabulary, type VocabularyOptions } from './vocabulary.js';
import { withWords, writtenWords } from './words.js';

export interface GreedyDecoderOptions extends VocabularyOptions {
  /** How the tokens write words (default: as characters, CharacterSpelling). */
  spelling?: Spelling;
  /** The settings of the search that sessions with hot words, grammars or contexts run. */
  search?: Omit<BeamSearchOptions, keyof VocabularyOptions | 'lm' | 'spelling'>;
}

/**
 * Best-path decoding: the most probable symbol per frame, repeats collapsed, blanks dropped, words
 * split at spaces and read by the spelling (a phone model's pronunciations as their first word in
 * the lexicon, "[unk]" when it has none). Its score is the best path's natural-log probability, and
 * it gives one hypothesis. Hot words, grammars and contexts need a search, so a session with any is
 * a BeamSearchDecoder session with `search`'s settings and no language model.
 */
export class GreedyDecoder implements CtcDecoder {
  private readonly vocabulary: CtcVocabulary;
  private readonly spelling: Spelling;
  private search: BeamSearchDecoder | undefined;

  constructor(private readonly options: GreedyDecoderOptions) {
    this.vocabulary = new CtcVocabulary(options);
    this.spelling = options.spelling ?? new CharacterSpelling(this.vocabulary);
  }

  createSession(options: SessionOptions = {}): DecoderSession {
    if (options.hotwords?.length || options.grammar?.length || options.context) {
      const { vocabulary, blank } = this.options;
      this.search ??= new BeamSearchDecoder({ ...this.options.search, vocabulary, blank, spelling: this.spelling });
      return this.search.createSession(options);
    }
    return new GreedySession(this.vocabulary, this.spelling);
  }
}

class GreedySession implements DecoderSession {
  private readonly path: BestPath;
  private readonly guard = new SessionGuard();

  constructor(
    private readonly vocabulary: CtcVocabulary,
    private readonly spelling: Spelling,
  ) {
    this.path = new BestPath(vocabulary);
  }

  pushFrames(logprobs: Float32Array, frames: number): void {
    this.guard.check();
    this.vocabulary.checkFrames(logprobs, frames);
    this.path.push(logprobs, frames);
  }

  peek(provisional?: Float32Array, provisionalFrames = 0): Hypothesis {
    this.guard.check();
    if (!provisional || provisionalFrames === 0) return this.read(this.path);
    this.vocabulary.checkFrames(provisional, provisionalFrames);
    const path = this.path.clone();
    path.push(provisional, provisionalFrames);
    return this.read(path);
  }

  finish(): Hypothesis[] {
    this.guard.finish();
    return [this.read(this.path)];
  }

  private read(path: BestPath): Hypothesis {
    const hypothesis = path.hypothesis();
    return withWords(hypothesis, this.spelling.read(writtenWords(hypothesis)));
  }
}
