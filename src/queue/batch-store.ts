import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { OutputFormat } from '../cli/formats.js';
import type { PoolOutcome } from '../cli/pool.js';
import type { Transcript } from '../recognizer/index.js';

/** A file's result as a worker stores it: its transcript, or why it failed. */
export type FileOutcome = PoolOutcome<Transcript>;

/** What a batch's collector needs to report its results as a local run would. */
export interface BatchMeta {
  id: string;
  queue: string;
  /** ISO 8601. */
  created: string;
  /** Each job's file, by index: its name and its path below the folder it was found in. */
  files: { path: string; relative: string }[];
  /** Absolute output folder, when the batch was started with --out. */
  out?: string;
  formats: OutputFormat[];
}

/** Batches and their results are kept this long after they start. */
const BATCH_TTL_SECONDS = 7 * 24 * 3600;

const BATCHES = 'earshot:batches';
const metaKey = (id: string): string => `earshot:batch:${id}`;
const resultsKey = (id: string): string => `earshot:batch:${id}:results`;
/** Indexes in the order their results arrived: collectors read it from where they left off. */
const doneKey = (id: string): string => `earshot:batch:${id}:done`;

/**
 * Stores a result unless the file already has one, so a job run twice (a worker lost its lock
 * while finishing it) still yields one result. The result and its place in the done list are
 * written together or not at all.
 */
const STORE_FIRST_RESULT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end`;

export function newBatch(meta: Omit<BatchMeta, 'id' | 'created'>): BatchMeta {
  return { id: randomBytes(6).toString('hex'), created: new Date().toISOString(), ...meta };
}

/** Makes the batch known to `earshot jobs`. */
export async function saveBatch(redis: Redis, batch: BatchMeta): Promise<void> {
  await redis.multi().set(metaKey(batch.id), JSON.stringify(batch), 'EX', BATCH_TTL_SECONDS).zadd(BATCHES, Date.now(), batch.id).exec();
}

export async function readBatch(redis: Redis, id: string): Promise<BatchMeta | undefined> {
  const json = await redis.get(metaKey(id));
  return json === null ? undefined : (JSON.parse(json) as BatchMeta);
}

/** The batches still kept, newest first. */
export async function listBatches(redis: Redis): Promise<BatchMeta[]> {
  await redis.zremrangebyscore(BATCHES, 0, Date.now() - BATCH_TTL_SECONDS * 1000);
  const ids = await redis.zrevrange(BATCHES, 0, -1);
  const batches = await Promise.all(ids.map((id) => readBatch(redis, id)));
  return batches.filter((b): b is BatchMeta => b !== undefined);
}

export async function storeResult(redis: Redis, batch: string, index: number, outcome: FileOutcome): Promise<void> {
  await redis.eval(STORE_FIRST_RESULT, 2, resultsKey(batch), doneKey(batch), index, JSON.stringify(outcome), BATCH_TTL_SECONDS);
}

/** How many of a batch's files have a result, and how many of those failed. */
export async function batchProgress(redis: Redis, id: string): Promise<{ done: number; failed: number }> {
  const outcomes = await redis.hvals(resultsKey(id));
  return { done: outcomes.length, failed: outcomes.filter((o) => (JSON.parse(o) as FileOutcome).ok === false).length };
}

/** Results stored after the first `from` in arrival order, with their indexes. */
export async function resultsSince(redis: Redis, id: string, from: number): Promise<{ index: number; outcome: FileOutcome }[]> {
  const indexes = await redis.lrange(doneKey(id), from, -1);
  if (indexes.length === 0) return [];
  const outcomes = await redis.hmget(resultsKey(id), ...indexes);
  return indexes.map((index, k) => ({ index: Number(index), outcome: JSON.parse(outcomes[k]!) as FileOutcome }));
}
