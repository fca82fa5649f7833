import { parentPort, workerData } from 'node:worker_threads';
import { decodeAudioFileWithWarning, decodeAudioWithWarning, type AudioWithWarning } from '../audio/index.js';
import { Model, transcribeSamples } from '../recognizer/index.js';
import { contextOptions, type DecodingSetup } from './decoding-options.js';
import type { FileResult } from './formats.js';
import type { AudioInput } from './inputs.js';
import { serveItems } from './pool.js';

const { modelDir, load, stream, context } = workerData as DecodingSetup;
const model = Model.load(modelDir, load);
const options = { ...stream, ...contextOptions(context) };

serveItems(
  parentPort!,
  async (input: AudioInput): Promise<FileResult> => {
    const { samples, warning } = await decode(input);
    const transcript = await transcribeSamples(await model, samples, options);
    return warning === undefined ? transcript : { ...transcript, warning };
  },
  async () => (await model).release(),
);

function decode(input: AudioInput): Promise<AudioWithWarning> {
  return input.bytes ? decodeAudioWithWarning(input.bytes, 'standard input') : decodeAudioFileWithWarning(input.path);
}
