import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BeamSearchDecoder, GreedyDecoder, type BeamSearchOptions, type CtcDecoder } from '../decoder/index.js';
import { loadArpa, type NgramLanguageModel } from '../lm/index.js';
import { ModelLoadError, OnnxAcousticModel, type AcousticModel, type ModelMetadata, type ModelOptions } from '../model/index.js';
import { RecognizerStream, type StreamOptions } from './stream.js';

/** The model shipped with earshot. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../models/en-bilstm', import.meta.url));

/** The language model file a model directory may carry. */
export const LM_FILE = 'lm.arpa.gz';

export interface LoadOptions extends ModelOptions {
  /**
   * Word language model for beam search: true (default) uses the model directory's lm.arpa.gz when
   * it has one, a string names an ARPA file (.arpa or .arpa.gz), false decodes greedily (sessions
   * with hot words or a grammar still run a beam search, without the LM, with `decoder`'s settings).
   */
  lm?: boolean | string;
  /** Beam search settings (defaults: BEAM_SEARCH_DEFAULTS, or the model's tuned ones in model.json). */
  decoder?: Pick<BeamSearchOptions, 'beam' | 'alpha' | 'beta' | 'unkPenalty'>;
}

/**
 * A loaded model: the acoustic model and a decoder, shared by any number of streams, like vosk's
 * Model. Load it once and create a stream per audio source.
 */
export class Model {
  private constructor(readonly acoustic: AcousticModel, readonly decoder: CtcDecoder) {}

  get metadata(): ModelMetadata {
    return this.acoustic.metadata;
  }

  static async load(dir: string = DEFAULT_MODEL_DIR, options: LoadOptions = {}): Promise<Model> {
    const acoustic = await OnnxAcousticModel.load(dir, options);
    const meta = acoustic.metadata;
    const lmFile = await lmPath(dir, options.lm ?? true);
    const lm = lmFile ? await loadLanguageModel(lmFile) : undefined;
    const vocabulary = { vocabulary: meta.vocabulary, blank: meta.blank };
    const decoder: CtcDecoder = lm
      ? new BeamSearchDecoder({ ...vocabulary, ...meta.decoder, ...options.decoder, lm })
      : new GreedyDecoder({ ...vocabulary, search: { ...meta.decoder, ...options.decoder } });
    return new Model(acoustic, decoder);
  }

  createStream(options: StreamOptions = {}): RecognizerStream {
    return new RecognizerStream(this, options);
  }

  release(): Promise<void> {
    return this.acoustic.release();
  }
}

async function loadLanguageModel(file: string): Promise<NgramLanguageModel> {
  try {
    return await loadArpa(file);
  } catch (error) {
    throw new ModelLoadError(`${file}: cannot load the language model (${(error as Error).message})`);
  }
}

async function lmPath(dir: string, lm: boolean | string): Promise<string | undefined> {
  if (typeof lm === 'string') return lm;
  if (!lm) return undefined;
  const file = path.join(dir, LM_FILE);
  return access(file).then(
    () => file,
    () => undefined,
  );
}
