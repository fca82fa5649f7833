import path from 'node:path';
import type { Hotword } from '../decoder/index.js';
import type { DecodingSetup } from '../cli/decoding-options.js';
import { DEFAULT_MODEL_DIR, type LoadOptions } from '../recognizer/index.js';

/** The BullMQ queue jobs go to unless --queue names another. */
export const DEFAULT_QUEUE = 'earshot';

/** Largest audio file a job carries: its bytes travel in the job, through Redis's memory (base64, a third larger). */
export const MAX_JOB_AUDIO_BYTES = 64 * 1024 * 1024;

/** The model a job gets when it names none: the bundled one's folder name. */
export const DEFAULT_MODEL_NAME = path.basename(DEFAULT_MODEL_DIR);

/**
 * How a job is decoded. Models and language models are names of what is installed on the worker,
 * never paths: `model` is a folder in the worker's models folder, `lm` true (the model's own
 * lm.arpa.gz), false (greedy) or the name of another ARPA file in that model's folder.
 */
export interface JobDecoding {
  model: string;
  lm: boolean | string;
  beam?: number;
  hotwords?: Hotword[];
  grammar?: string[];
}

/** One file to transcribe, as it travels through the queue. */
export interface TranscriptionJob {
  batch: string;
  /** The file's place in its batch. */
  index: number;
  /** The file's name on the machine that sent it, for messages. */
  file: string;
  /** The file's bytes, base64. */
  audio: string;
  decoding: JobDecoding;
}

/** A job that cannot be run as sent; it fails once, with this reason, and is not retried. */
export class InvalidJobError extends Error {}

const NAME = /^[A-Za-z0-9][\w.-]*$/;

/** Checks an installed-thing name: one path component, so a job cannot reach outside the folder. */
export function checkName(name: string, what: string): string {
  if (!NAME.test(name) || name.includes('..')) throw new InvalidJobError(`${what} '${name}' is not a plain name (letters, digits, '.', '_', '-')`);
  return name;
}

/** The job's data, checked field by field: it comes from whoever can write to the queue. */
export function parseJob(data: unknown): TranscriptionJob {
  const job = data as Partial<TranscriptionJob>;
  const fail = (what: string): never => {
    throw new InvalidJobError(`malformed job: ${what}`);
  };
  if (typeof job !== 'object' || job === null) fail('not an object');
  if (typeof job.batch !== 'string' || !Number.isInteger(job.index) || typeof job.file !== 'string') fail('batch, index or file missing');
  if (typeof job.audio !== 'string') fail('no audio');
  const d = job.decoding as Partial<JobDecoding> | undefined;
  if (typeof d !== 'object' || d === null || typeof d.model !== 'string') fail('no decoding.model');
  if (typeof d!.lm !== 'boolean' && typeof d!.lm !== 'string') fail('decoding.lm is neither a boolean nor a name');
  if (d!.beam !== undefined && !(Number.isInteger(d!.beam) && d!.beam! > 0)) fail('decoding.beam is not a positive integer');
  if (d!.hotwords !== undefined && !(Array.isArray(d!.hotwords) && d!.hotwords.every((h) => typeof h?.phrase === 'string'))) fail('decoding.hotwords');
  if (d!.grammar !== undefined && !(Array.isArray(d!.grammar) && d!.grammar.every((p) => typeof p === 'string'))) fail('decoding.grammar');
  return job as TranscriptionJob;
}

/** What a worker whose models live in `modelsDir` runs for a job's decoding. */
export function workerSetup(decoding: JobDecoding, modelsDir: string, provider: LoadOptions['provider']): DecodingSetup {
  const modelDir = path.join(modelsDir, checkName(decoding.model, 'model'));
  const lm = typeof decoding.lm === 'string' ? path.join(modelDir, checkName(decoding.lm, 'language model')) : decoding.lm;
  return {
    modelDir,
    load: { lm, provider, decoder: decoding.beam ? { beam: decoding.beam } : undefined },
    stream: { hotwords: decoding.hotwords, grammar: decoding.grammar },
  };
}
