import { parentPort, workerData } from 'node:worker_threads';
import { decodeAudioFile } from '../audio/index.js';
import { Model, transcribeSamples, type Transcript } from '../recognizer/index.js';
import type { DecodingSetup } from './decoding-options.js';
import type { AudioInput } from './inputs.js';
import { serveItems } from './pool.js';

const { modelDir, load, stream } = workerData as DecodingSetup;
const model = Model.load(modelDir, load);

serveItems(
  parentPort!,
  async (input: AudioInput): Promise<Transcript> => transcribeSamples(await model, await decodeAudioFile(input.path), stream),
  async () => (await model).release(),
);
