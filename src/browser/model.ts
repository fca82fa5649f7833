import { NgramLanguageModel } from '../lm/ngram-model.js';
import { ModelLoadError, parseModelMetadata } from '../model/metadata.js';
import { WebOnnxAcousticModel, type WebModelOptions } from '../model/onnx-model-web.js';
import { RecognitionModel, type DecoderSettings } from '../recognizer/recognition-model.js';
import { fetchFile } from './fetch-file.js';

/** The language model file a web model folder carries: the binary form Node's Model.load writes beside lm.arpa.gz. */
export const WEB_LM_FILE = 'lm.bin';

export interface LoadProgress {
  /** Bytes received so far, all files together. */
  loaded: number;
  /** Bytes in all, once every file's size is known (not while a server compresses them). */
  total?: number;
}

export interface WebLoadOptions extends WebModelOptions {
  /**
   * Word language model for beam search: true (default) fetches the folder's WEB_LM_FILE, a string
   * is the URL of another binary LM (relative to the folder), false decodes greedily.
   */
  lm?: boolean | string;
  /** Beam search settings (defaults: BEAM_SEARCH_DEFAULTS, or the model's tuned ones in model.json). */
  decoder?: DecoderSettings;
  /** Keep the files in the Cache API, so the next visit loads without the network (default true). */
  cache?: boolean;
  /** Called as the files arrive. */
  onProgress?: (progress: LoadProgress) => void;
}

/**
 * A model fetched from a folder of URLs (model.json, model.onnx and the LM), run by onnxruntime-web.
 * Streams behave as Node's: the same features, decoder, LM and stream code.
 */
export class Model extends RecognitionModel {
  /** Loads the model in the folder at `url` (relative to the page). */
  static async load(url: string | URL, options: WebLoadOptions = {}): Promise<Model> {
    const folder = new URL(url, location.href);
    if (!folder.pathname.endsWith('/')) folder.pathname += '/';
    const fileUrl = (name: string): string => new URL(name, folder).href;
    const lmUrl = options.lm === false ? undefined : fileUrl(typeof options.lm === 'string' ? options.lm : WEB_LM_FILE);
    const urls = [fileUrl('model.json'), fileUrl('model.onnx'), ...(lmUrl ? [lmUrl] : [])];
    const [metaBytes, onnx, lmBytes] = await fetchFiles(urls, options);
    const metadata = parseModelMetadata(new TextDecoder().decode(metaBytes), fileUrl('model.json'));
    const lm = lmBytes && languageModel(lmBytes, lmUrl!);
    return new Model(await WebOnnxAcousticModel.create(metadata, onnx!, fileUrl('model.onnx'), options), lm, options.decoder);
  }
}

/** Fetches the files side by side, reporting their bytes together. */
function fetchFiles(urls: string[], options: WebLoadOptions): Promise<Uint8Array[]> {
  const received = urls.map(() => 0);
  const sizes: (number | undefined)[] = urls.map(() => undefined);
  const report = (): void => {
    const known = sizes.every((size) => size !== undefined);
    options.onProgress?.({ loaded: sum(received), total: known ? sum(sizes as number[]) : undefined });
  };
  return Promise.all(
    urls.map((url, i) =>
      fetchFile(url, {
        cache: options.cache ?? true,
        onBytes: (bytes, size) => {
          received[i] = bytes;
          sizes[i] = size;
          report();
        },
      }),
    ),
  );
}

function languageModel(bytes: Uint8Array, url: string): NgramLanguageModel {
  try {
    return NgramLanguageModel.fromBinary(bytes);
  } catch (error) {
    throw new ModelLoadError(`${url}: cannot load the language model (${(error as Error).message})`);
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
