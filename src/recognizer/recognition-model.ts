import { BeamSearchDecoder, GreedyDecoder, PronunciationSpelling, type BeamSearchOptions, type CtcDecoder } from '../decoder/index.js';
import type { NgramLanguageModel } from '../lm/ngram-model.js';
import type { AcousticModel, ModelMetadata } from '../model/index.js';
import { LEXICON_FILE, ModelLoadError } from '../model/metadata.js';
import { RecognizerStream, type StreamOptions } from './stream.js';

/** Beam search settings (defaults: BEAM_SEARCH_DEFAULTS, or the model's tuned ones in model.json). */
export type DecoderSettings = Pick<BeamSearchOptions, 'beam' | 'contextBeam' | 'alpha' | 'beta' | 'unkPenalty'>;

/**
 * A loaded model: the acoustic model and a decoder, shared by any number of streams, like vosk's
 * Model. Node's Model and the browser's load one from files or URLs; what they load works the same.
 */
export class RecognitionModel {
  readonly decoder: CtcDecoder;

  /**
   * With a language model, a beam search fused with it; without one, greedy decoding. A phone
   * model's words are written as the pronunciations of `lexicon` (its LEXICON_FILE's text).
   */
  constructor(readonly acoustic: AcousticModel, lm: NgramLanguageModel | undefined, settings: DecoderSettings = {}, lexicon?: string) {
    const meta = acoustic.metadata;
    const vocabulary = { vocabulary: meta.vocabulary, blank: meta.blank };
    const spelling = meta.units === 'phones' ? pronunciations(meta.name, lexicon) : undefined;
    this.decoder = lm
      ? new BeamSearchDecoder({ ...vocabulary, ...meta.decoder, ...settings, lm, spelling })
      : new GreedyDecoder({ ...vocabulary, spelling, search: { ...meta.decoder, ...settings } });
  }

  get metadata(): ModelMetadata {
    return this.acoustic.metadata;
  }

  createStream(options: StreamOptions = {}): RecognizerStream {
    return new RecognizerStream(this, options);
  }

  release(): Promise<void> {
    return this.acoustic.release();
  }
}

function pronunciations(model: string, lexicon: string | undefined): PronunciationSpelling {
  const spelling = new PronunciationSpelling(lexicon ?? '');
  if (spelling.size === 0) throw new ModelLoadError(`${model}: a phone model needs its pronunciation lexicon (${LEXICON_FILE}), and it has no words`);
  return spelling;
}
