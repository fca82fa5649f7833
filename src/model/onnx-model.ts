import path from 'node:path';
import ort from 'onnxruntime-node';
import type { AcousticModel, ForwardState, WindowOutput } from './acoustic-model.js';
import { readModelMetadata } from './metadata-file.js';
import { ModelLoadError, type ModelMetadata } from './metadata.js';
import { initialForwardState, windowInputs, windowOutput } from './window-tensors.js';

// onnxruntime 1.29+ on Linux starts Microsoft's 1DS telemetry when its environment is created (at the
// first session), and that runs libstdc++ std::regex over /proc/self/cmdline, which recurses once per
// character: a command line of about 15 KB overflows a worker thread's 4 MB stack (SIGSEGV), about
// 30 KB the main thread's 8 MB. An offline recognizer has no use for telemetry uploads either. The
// variable must be in the process environment, which only the main thread's process.env writes to,
// so this module being imported there (as the CLI and server do) covers their worker threads too.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface ModelOptions {
  /** Where to run: 'cpu' (default) or 'cuda', which falls back to CPU with a warning when unavailable. */
  provider?: ExecutionProvider;
  /** Threads for one inference call (default 1: parallelism comes from running streams side by side). */
  threads?: number;
  /** Called with messages such as the CUDA fallback notice (default: print to stderr). */
  onWarning?: (message: string) => void;
}

/** The one module that imports onnxruntime-node. */
export class OnnxAcousticModel implements AcousticModel {
  private constructor(
    readonly metadata: ModelMetadata,
    private readonly session: ort.InferenceSession,
    readonly provider: ExecutionProvider,
  ) {}

  static async load(dir: string, options: ModelOptions = {}): Promise<OnnxAcousticModel> {
    const metadata = await readModelMetadata(dir);
    const file = path.join(dir, 'model.onnx');
    const warn = options.onWarning ?? ((m: string) => process.stderr.write(`earshot: ${m}\n`));
    const sessionOptions = (provider: ExecutionProvider): ort.InferenceSession.SessionOptions => ({
      executionProviders: [provider],
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    if (options.provider === 'cuda') {
      try {
        return new OnnxAcousticModel(metadata, await ort.InferenceSession.create(file, sessionOptions('cuda')), 'cuda');
      } catch (error) {
        warn(`CUDA is not available (${firstLine(error)}); running on CPU`);
      }
    }
    try {
      return new OnnxAcousticModel(metadata, await ort.InferenceSession.create(file, sessionOptions('cpu')), 'cpu');
    } catch (error) {
      throw new ModelLoadError(`${file}: cannot load the ONNX model (${firstLine(error)})`);
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

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
