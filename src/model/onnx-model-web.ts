import * as ort from 'onnxruntime-web/wasm';
import { ModelLoadError, type ModelMetadata } from './metadata.js';
import { firstLine, SessionAcousticModel } from './window-tensors.js';

export interface WebModelOptions {
  /**
   * Threads for one inference call. onnxruntime-web runs threads only on a cross-origin isolated
   * page (COOP and COEP headers); the default is its own, 1 elsewhere.
   */
  threads?: number;
}

/**
 * The browser's twin of onnx-model.ts, and the one module that imports onnxruntime-web: the same
 * graph on its WebAssembly backend (SIMD, and threads where the page allows them). The runtime's
 * .wasm and .mjs files are fetched from beside this module, never from elsewhere.
 */
export class WebOnnxAcousticModel extends SessionAcousticModel {
  private constructor(metadata: ModelMetadata, session: ort.InferenceSession) {
    super(metadata, session, ({ data, dims }) => new ort.Tensor('float32', data, dims));
  }

  /** The model from model.onnx's bytes; `source` names them in errors. */
  static async create(metadata: ModelMetadata, onnx: Uint8Array, source: string, options: WebModelOptions = {}): Promise<WebOnnxAcousticModel> {
    ort.env.wasm.wasmPaths = new URL('./', import.meta.url).href;
    if (options.threads !== undefined) ort.env.wasm.numThreads = options.threads;
    try {
      const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      return new WebOnnxAcousticModel(metadata, session);
    } catch (error) {
      throw new ModelLoadError(`${source}: cannot load the ONNX model (${firstLine(error)})`);
    }
  }
}
