import { parentPort, workerData } from 'node:worker_threads';
import { decodeAudioFile } from '../audio/index.js';
import { Model, transcribeSamples, type LoadOptions, type StreamOptions, type Transcript } from '../recognizer/index.js';
import type { AudioInput } from './inputs.js';
import { serveItems } from './pool.js';

export interface TranscribeWorkerData {
  modelDir: string;
  load: LoadOptions;
  stream: Pick<StreamOptions, 'hotwords' | 'grammar'>;
}

const { modelDir, load, stream } = workerData as TranscribeWorkerData;
const model = Model.load(modelDir, load);

serveItems(
  parentPort!,
  async (input: AudioInput): Promise<Transcript> => transcribeSamples(await model, await decodeAudioFile(input.path), stream),
  async () => (await model).release(),
);
