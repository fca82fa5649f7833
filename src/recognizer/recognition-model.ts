import { BeamSearchDecoder, GreedyDecoder, type BeamSearchOptions, type CtcDecoder } from '../decoder/index.js';
import type { NgramLanguageModel } from '../lm/ngram-model.js';
import type { AcousticModel, ModelMetadata } from '../model/index.js';
import { ModelLoadError } from '../model/metadata.js';
import { RecognizerStream, type StreamOptions } from './stream.js';

/** Beam search settings (defaults: BEAM_SEARCH_DEFAULTS, or the model's tuned ones in model.json). */
export type DecoderSettings = Pick<BeamSearchOptions, 'beam' | 'contextBeam' | 'alpha' | 'beta' | 'unkPenalty'>;

/**
 * A loaded model: the acoustic model and a decoder, shared by any number of streams, like vosk's
 * Model. Node's Model and the browser's load one from files or URLs; what they load works the same.
 */
export class RecognitionModel {
  readonly decoder: CtcDecoder;

  /** With a language model, a beam search fused with it; without one, greedy decoding. */
  constructor(readonly acoustic: AcousticModel, lm: NgramLanguageModel | undefined, settings: DecoderSettings = {}) {
    const meta = acoustic.metadata;
    if ((meta.units ?? 'chars') !== 'chars') {
      void acoustic.release();
      throw new ModelLoadError(`${meta.name}: a model over ${meta.units}; earshot recognises speech with character models (training/compare_units.mjs decodes phone models)`);
    }
    const vocabulary = { vocabulary: meta.vocabulary, blank: meta.blank };
    this.decoder = lm
      ? new BeamSearchDecoder({ ...vocabulary, ...meta.decoder, ...settings, lm })
      : new GreedyDecoder({ ...vocabulary, search: { ...meta.decoder, ...settings } });
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
