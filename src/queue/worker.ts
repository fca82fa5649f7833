import { stat } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge, Histogram } from 'prom-client';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RecognitionMetrics } from '../metrics/index.js';
import type { LoadOptions, Transcript } from '../recognizer/index.js';
import { storeResult } from './batch-store.js';
import { parseJob, workerSetup, type TranscriptionJob } from './job.js';
import { ThreadPool } from './thread-pool.js';
import type { ThreadJob } from './transcribe-thread.js';

export interface QueueWorkerOptions {
  redis: Redis;
  queue: string;
  /** Jobs transcribed at once, each in a thread with its own model sessions. */
  threads: number;
  /** Where the models jobs name are installed: one folder each. */
  modelsDir: string;
  provider?: LoadOptions['provider'];
  metrics: RecognitionMetrics;
  log: (message: string) => void;
}

/**
 * Lock and stall settings. A job's lock is renewed by the main thread, which transcription (in
 * threads) leaves free, so a short lock is safe; a worker lost mid-job gets its job handed to
 * another within LOCK_MS + STALLED_INTERVAL_MS. A job lost twice that way is failed.
 */
const LOCK_MS = 10_000;
const STALLED_INTERVAL_MS = 5_000;
const MAX_STALLED = 2;

export interface QueueWorker {
  /** Whether the worker's Redis connection is up. */
  readonly connected: boolean;
  /** Finishes the jobs in progress, then stops. */
  close(): Promise<void>;
}

/**
 * Takes transcription jobs from the queue until closed, and stores each file's result, or why it
 * failed, in the batch store. A job that fails (a corrupt file, a model not installed here) fails
 * once, with its reason: retrying would fail the same way.
 */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { redis, metrics } = options;
  const pool = new ThreadPool<ThreadJob, Transcript>(new URL('./transcribe-thread.js', import.meta.url), options.threads);
  const queue = new Queue(options.queue, { connection: redis });
  queueMetrics(queue, metrics);
  const lag = new Histogram({
    name: 'earshot_queue_lag_seconds',
    help: 'Seconds from a job being queued to a worker starting it',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [metrics.registry],
  });
  const processJob = async (job: Job): Promise<void> => {
    lag.observe((Date.now() - job.timestamp) / 1000);
    metrics.sessions.inc();
    metrics.activeSessions.inc();
    try {
      await runJob(job, options);
    } finally {
      metrics.activeSessions.dec();
    }
  };
  const worker = new Worker(options.queue, processJob, {
    connection: redis,
    concurrency: options.threads,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('error', (error) => options.log(`queue: ${error.message}`));
  worker.on('failed', (job, error) => {
    options.log(`job ${job?.id ?? '?'} failed: ${error.message}`);
    if (job) void storeFailure(job, error);
  });
  return {
    get connected() {
      return redis.status === 'ready';
    },
    async close() {
      await worker.close();
      await queue.close();
      await pool.close();
    },
  };

  /**
   * Gives a failed job's file its failure as its result, so the batch still completes when BullMQ
   * failed the job itself (its worker was lost more than MAX_STALLED times). A job that failed in
   * runJob already has its result, which is kept: the first result stored wins.
   */
  async function storeFailure(job: Job, error: Error): Promise<void> {
    try {
      const { batch, index, file } = parseJob(job.data);
      await storeResult(redis, batch, index, { ok: false, error: `${file}: ${error.message}` });
    } catch (storeError) {
      options.log(`job ${job.id}: cannot store its failure: ${storeError instanceof Error ? storeError.message : String(storeError)}`);
    }
  }

  async function runJob(job: Job, { modelsDir, provider }: QueueWorkerOptions): Promise<void> {
    let data: TranscriptionJob | undefined;
    const started = performance.now();
    try {
      data = parseJob(job.data);
      const setup = workerSetup(data.decoding, modelsDir, provider);
      if (!(await stat(setup.modelDir).then((s) => s.isDirectory(), () => false))) {
        throw new Error(`model '${data.decoding.model}' is not installed on worker ${os.hostname()} (in ${modelsDir})`);
      }
      const value = await pool.run({ file: data.file, audio: Buffer.from(data.audio, 'base64'), setup });
      await storeResult(redis, data.batch, data.index, { ok: true, value });
      const seconds = (performance.now() - started) / 1000;
      metrics.transcribed(value.duration, seconds);
      metrics.finished(value.duration, seconds);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      metrics.errors.inc();
      if (data) await storeResult(redis, data.batch, data.index, { ok: false, error: message });
      throw new UnrecoverableError(message);
    }
  }
}

const QUEUE_COUNT_TIMEOUT_MS = 1000;


/** Jobs waiting in the queue, counted when /metrics is read. */
function queueMetrics(queue: Queue, metrics: RecognitionMetrics): void {
  new Gauge({
    name: 'earshot_queue_depth',
    help: 'Jobs waiting in the queue (waiting, prioritized and delayed)',
    registers: [metrics.registry],
    // While Redis is away the count would wait for it; the scrape gets the last value instead.
    async collect() {
      const counts = await Promise.race([queue.getJobCounts('waiting', 'prioritized', 'delayed'), sleep(QUEUE_COUNT_TIMEOUT_MS, undefined, { ref: false })]);
      if (counts) this.set(Object.values(counts).reduce((a, b) => a + b, 0));
    },
  });
}
