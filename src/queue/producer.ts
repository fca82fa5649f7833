import { readFile } from 'node:fs/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AudioInput } from '../cli/inputs.js';
import { newBatch, resultsSince, saveBatch, storeResult, type BatchMeta, type FileOutcome } from './batch-store.js';
import { MAX_JOB_AUDIO_BYTES, type JobDecoding, type TranscriptionJob } from './job.js';

/** How often a collector looks for new results. */
const POLL_MS = 250;

/**
 * BullMQ options for every job: retried only when its worker is lost (stalled), which the worker's
 * maxStalledCount bounds; a job that fails is not retried, since failures are the file's (see
 * worker.ts). Jobs leave the queue once done: results live in the batch store.
 */
const JOB_OPTIONS = { attempts: 1, removeOnComplete: true, removeOnFail: { count: 1000 } };

/**
 * Starts a batch: one job per input, carrying the file's bytes. A file that cannot be read or is
 * over MAX_JOB_AUDIO_BYTES gets its failure stored at once, so the batch still has a result for
 * every file. The batch is saved for `earshot jobs` once every job is queued: one interrupted
 * while queueing would wait forever for files never queued.
 */
export async function enqueueBatch(
  redis: Redis,
  queue: Queue,
  inputs: AudioInput[],
  decoding: JobDecoding,
  output: Pick<BatchMeta, 'out' | 'formats'>,
): Promise<BatchMeta> {
  const batch = newBatch({ queue: queue.name, files: inputs.map(({ path, relative }) => ({ path, relative })), ...output });
  for (const [index, input] of inputs.entries()) {
    const audio = await readAudio(input);
    if (typeof audio === 'string') {
      await storeResult(redis, batch.id, index, { ok: false, error: audio });
      continue;
    }
    const job: TranscriptionJob = { batch: batch.id, index, file: input.path, audio: Buffer.from(audio).toString('base64'), decoding };
    await queue.add('transcribe', job, { ...JOB_OPTIONS, jobId: `${batch.id}-${index}` });
  }
  await saveBatch(redis, batch);
  return batch;
}

/** The input's bytes, or why it cannot be sent. */
async function readAudio(input: AudioInput): Promise<Uint8Array | string> {
  try {
    const bytes = input.bytes ?? (await readFile(input.path));
    if (bytes.length <= MAX_JOB_AUDIO_BYTES) return bytes;
    return `${input.path}: ${bytes.length} bytes, over the ${MAX_JOB_AUDIO_BYTES / 2 ** 20} MiB a queued file may have`;
  } catch (error) {
    return `${input.path}: cannot read file: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Hands each of the batch's results to `onResult` once, in the order they arrive, until `total`
 * files have one.
 */
export async function collectBatch(
  redis: Redis,
  batch: string,
  total: number,
  onResult: (index: number, outcome: FileOutcome) => void,
): Promise<void> {
  const seen = new Set<number>();
  let read = 0;
  while (seen.size < total) {
    const fresh = await resultsSince(redis, batch, read);
    read += fresh.length;
    for (const { index, outcome } of fresh) {
      if (seen.has(index)) continue;
      seen.add(index);
      onResult(index, outcome);
    }
    if (seen.size < total) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
