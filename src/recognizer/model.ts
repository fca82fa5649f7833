import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { PronunciationSpelling, unwritableWords } from '../decoder/index.js';
import { loadArpaViaBinary, loadLanguageModel, NgramLanguageModel } from '../lm/index.js';
import { LEXICON_FILE, ModelLoadError, OnnxAcousticModel, type ModelOptions } from '../model/index.js';
import { RecognitionModel, type DecoderSettings } from './recognition-model.js';

/** The model shipped with earshot. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../models/en-bilstm', import.meta.url));

/** The language model file a model directory may carry. */
export const LM_FILE = 'lm.arpa.gz';

/** The binary form of LM_FILE beside it: read instead when made from that very file, else written from it. */
export const LM_BINARY_FILE = 'lm.bin';

export interface LoadOptions extends ModelOptions {
  /**
   * Word language model for beam search: true (default) uses the model directory's (LM_FILE, through
   * LM_BINARY_FILE, or LM_BINARY_FILE alone), a string names a file (binary, .arpa or .arpa.gz), a
   * Uint8Array is a model's binary form (`NgramLanguageModel.binary`: in a SharedArrayBuffer, threads
   * share it without a copy), false decodes greedily (sessions with hot words or a grammar still run
   * a beam search, without the LM, with `decoder`'s settings).
   */
  lm?: boolean | string | Uint8Array;
  /** Beam search settings (defaults: BEAM_SEARCH_DEFAULTS, or the model's tuned ones in model.json). */
  decoder?: DecoderSettings;
}

/** A model loaded from a directory, run by onnxruntime-node. Load it once and create a stream per audio source. */
export class Model extends RecognitionModel {
  static async load(dir: string = DEFAULT_MODEL_DIR, options: LoadOptions = {}): Promise<Model> {
    const [acoustic, lm, lexicon] = await Promise.all([
      OnnxAcousticModel.load(dir, options),
      loadModelLanguageModel(dir, options.lm, options.onWarning),
      readLexicon(dir),
    ]);
    let model: Model;
    try {
      model = new Model(acoustic, lm, options.decoder, lexicon);
    } catch (error) {
      await acoustic.release();
      throw error;
    }
    const warning = typeof options.lm === 'string' && lm && lexicon !== undefined ? unwritableLmWarning(options.lm, lm, lexicon) : undefined;
    if (warning) (options.onWarning ?? defaultWarning)(warning);
    return model;
  }
}

/** For a user's LM with a phone model: how many of its words the lexicon lacks, which cannot be recognised. */
export function unwritableLmWarning(file: string, lm: NgramLanguageModel, lexicon: string): string | undefined {
  const words = [...lm.words()].map(([word]) => word).filter((word) => !/^<.*>$/.test(word));
  const missing = unwritableWords(words, new PronunciationSpelling(lexicon));
  if (missing.length === 0) return undefined;
  const examples = missing.slice(0, 5).map((w) => JSON.stringify(w)).join(', ');
  return `${missing.length} of the ${words.length} words of ${file} are not in the model's pronunciation lexicon and cannot be recognised (${examples}${missing.length > 5 ? ', ...' : ''})`;
}

function defaultWarning(message: string): void {
  process.stderr.write(`earshot: ${message}\n`);
}

/** The text of the directory's pronunciation lexicon, or undefined when it has none (a character model's). */
export async function readLexicon(dir: string): Promise<string | undefined> {
  const file = path.join(dir, LEXICON_FILE);
  if (!(await exists(file))) return undefined;
  try {
    return gunzipSync(await readFile(file)).toString('utf8');
  } catch (error) {
    throw new ModelLoadError(`${file}: cannot read the pronunciation lexicon (${(error as Error).message})`);
  }
}

/** The language model that `lm` names (see LoadOptions), or undefined for none. */
export async function loadModelLanguageModel(
  dir: string,
  lm: LoadOptions['lm'] = true,
  onWarning: (message: string) => unknown = defaultWarning,
): Promise<NgramLanguageModel | undefined> {
  if (lm === false) return undefined;
  if (lm instanceof Uint8Array) return failingAs('the binary language model given', () => NgramLanguageModel.fromBinary(lm));
  if (typeof lm === 'string') return failingAs(lm, () => loadLanguageModel(lm));
  const arpa = path.join(dir, LM_FILE);
  const binary = path.join(dir, LM_BINARY_FILE);
  if (await exists(arpa)) {
    const unwritable = (error: Error): unknown => onWarning(`cannot write ${binary} (${error.message}); ${arpa} is parsed at every start`);
    return failingAs(arpa, () => loadArpaViaBinary(arpa, binary, unwritable));
  }
  return (await exists(binary)) ? failingAs(binary, () => loadLanguageModel(binary)) : undefined;
}

async function failingAs<T>(name: string, load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new ModelLoadError(`${name}: cannot load the language model (${(error as Error).message})`);
  }
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
