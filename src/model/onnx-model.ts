import path from 'node:path';
import ort from 'onnxruntime-node';
import { readModelMetadata } from './metadata-file.js';
import { ModelLoadError, type ModelMetadata } from './metadata.js';
import { firstLine, SessionAcousticModel } from './window-tensors.js';

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
export class OnnxAcousticModel extends SessionAcousticModel {
  private constructor(
    metadata: ModelMetadata,
    session: ort.InferenceSession,
    readonly provider: ExecutionProvider,
  ) {
    super(metadata, session, ({ data, dims }) => new ort.Tensor('float32', data, dims));
  }

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
}
