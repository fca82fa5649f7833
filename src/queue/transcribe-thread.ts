import { parentPort } from 'node:worker_threads';
import { decodeAudio } from '../audio/index.js';
import type { DecodingSetup } from '../cli/decoding-options.js';
import { serveItems } from '../cli/pool.js';
import { Model, transcribeSamples, type Transcript } from '../recognizer/index.js';

/** One queued file for a worker thread: where to find it in messages, its bytes, how to decode it. */
export interface ThreadJob {
  file: string;
  audio: Uint8Array;
  setup: DecodingSetup;
}

/** This thread's model sessions, one per model and load options that jobs have asked for. */
const models = new Map<string, Promise<Model>>();

function modelFor({ modelDir, load }: DecodingSetup): Promise<Model> {
  const key = JSON.stringify([modelDir, load]);
  let model = models.get(key);
  if (!model) {
    model = Model.load(modelDir, load);
    models.set(key, model);
    // A model that failed to load is tried again by the next job that asks for it.
    model.catch(() => models.delete(key));
  }
  return model;
}

serveItems(
  parentPort!,
  async ({ file, audio, setup }: ThreadJob): Promise<Transcript> => {
    const samples = await decodeAudio(audio, file);
    return transcribeSamples(await modelFor(setup), samples, setup.stream);
  },
  async () => {
    for (const model of models.values()) await (await model.catch(() => undefined))?.release();
  },
);
