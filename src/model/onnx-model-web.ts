import * as ort from 'onnxruntime-web/wasm';
import type { AcousticModel, ForwardState, WindowOutput } from './acoustic-model.js';
import { ModelLoadError, type ModelMetadata } from './metadata.js';
import { initialForwardState, windowInputs, windowOutput } from './window-tensors.js';

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
export class WebOnnxAcousticModel implements AcousticModel {
  private constructor(readonly metadata: ModelMetadata, private readonly session: ort.InferenceSession) {}

  /** The model from model.onnx's bytes; `source` names them in errors. */
  static async create(metadata: ModelMetadata, onnx: Uint8Array, source: string, options: WebModelOptions = {}): Promise<WebOnnxAcousticModel> {
    ort.env.wasm.wasmPaths = new URL('./', import.meta.url).href;
    if (options.threads !== undefined) ort.env.wasm.numThreads = options.threads;
    try {
      const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      return new WebOnnxAcousticModel(metadata, session);
    } catch (error) {
      throw new ModelLoadError(`${source}: cannot load the ONNX model (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`);
    }
  }

  initialState(views = 1): ForwardState {
    return initialForwardState(this.metadata, views);
  }

  async runWindow(chunk: Float32Array, lookahead: Float32Array, state: ForwardState): Promise<WindowOutput> {
    const inputs = windowInputs(this.metadata, chunk, lookahead, state);
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, { data, dims }]) => [name, new ort.Tensor('float32', data, dims)]));
    const result = await this.session.run(feeds);
    const output = (name: string): Float32Array => result[name].data as Float32Array;
    return windowOutput(this.metadata, chunk.length, output('logprobs'), { h: output('hn'), c: output('cn') });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
