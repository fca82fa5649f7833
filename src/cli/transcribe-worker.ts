import { parentPort, workerData } from 'node:worker_threads';
import { decodeAudio, decodeAudioFile } from '../audio/index.js';
import { Model, transcribeSamples, type Transcript } from '../recognizer/index.js';
import { contextOptions, type DecodingSetup } from './decoding-options.js';
import type { AudioInput } from './inputs.js';
import { serveItems } from './pool.js';

const { modelDir, load, stream, context } = workerData as DecodingSetup;
const model = Model.load(modelDir, load);
const options = { ...stream, ...contextOptions(context) };

serveItems(
  parentPort!,
  async (input: AudioInput): Promise<Transcript> => transcribeSamples(await model, await decode(input), options),
  async () => (await model).release(),
);

function decode(input: AudioInput): Promise<Float32Array> {
  return input.bytes ? decodeAudio(input.bytes, 'standard input') : decodeAudioFile(input.path);
}
