import { NgramLanguageModel } from '../lm/ngram-model.js';
import { LEXICON_FILE, ModelLoadError, parseModelMetadata } from '../model/metadata.js';
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
 * A model fetched from a folder of URLs (model.json, model.onnx, the LM and a phone model's
 * LEXICON_FILE), run by onnxruntime-web. Streams behave as Node's: the same features, decoder, LM
 * and stream code.
 */
export class Model extends RecognitionModel {
  /** Loads the model in the folder at `url` (relative to the page). */
  static async load(url: string | URL, options: WebLoadOptions = {}): Promise<Model> {
    const folder = new URL(url, location.href);
    if (!folder.pathname.endsWith('/')) folder.pathname += '/';
    const fileUrl = (name: string): string => new URL(name, folder).href;
    const downloads = new Downloads(options);
    const [metaBytes] = await downloads.fetch([fileUrl('model.json')]);
    const metadata = parseModelMetadata(new TextDecoder().decode(metaBytes), fileUrl('model.json'));
    const lmUrl = options.lm === false ? undefined : fileUrl(typeof options.lm === 'string' ? options.lm : WEB_LM_FILE);
    const lexiconUrl = metadata.units === 'phones' ? fileUrl(LEXICON_FILE) : undefined;
    const [onnx, lmBytes, lexiconBytes] = await downloads.fetch([fileUrl('model.onnx'), lmUrl, lexiconUrl]);
    const lm = lmBytes && languageModel(lmBytes, lmUrl!);
    const lexicon = lexiconBytes && (await gunzipText(lexiconBytes, lexiconUrl!));
    const acoustic = await WebOnnxAcousticModel.create(metadata, onnx!, fileUrl('model.onnx'), options);
    try {
      return new Model(acoustic, lm, options.decoder, lexicon);
    } catch (error) {
      await acoustic.release();
      throw error;
    }
  }
}

/** A gzip file's text; bytes a server already decompressed (Content-Encoding: gzip) are taken as they are. */
async function gunzipText(bytes: Uint8Array, url: string): Promise<string> {
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return new TextDecoder().decode(bytes);
  try {
    return await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  } catch (error) {
    throw new ModelLoadError(`${url}: cannot read the pronunciation lexicon (${(error as Error).message})`);
  }
}

/** A model's files, fetched in batches (model.json first, which says what else is needed), their bytes reported together. */
class Downloads {
  private readonly received: number[] = [];
  private readonly sizes: (number | undefined)[] = [];

  constructor(private readonly options: WebLoadOptions) {}

  /** Fetches the files side by side; an undefined URL gives undefined. */
  fetch(urls: (string | undefined)[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(urls.map((url) => (url === undefined ? undefined : this.fetchOne(url))));
  }

  private fetchOne(url: string): Promise<Uint8Array> {
    const i = this.received.push(0) - 1;
    this.sizes.push(undefined);
    return fetchFile(url, {
      cache: this.options.cache ?? true,
      onBytes: (bytes, size) => {
        this.received[i] = bytes;
        this.sizes[i] = size;
        this.report();
      },
    });
  }

  private report(): void {
    const known = this.sizes.every((size) => size !== undefined);
    this.options.onProgress?.({ loaded: sum(this.received), total: known ? sum(this.sizes as number[]) : undefined });
  }
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
