import { Worker } from 'node:worker_threads';

export type PoolOutcome<O> = { ok: true; value: O } | { ok: false; error: string };

export interface PoolOptions<I, O> {
  /** Module run in each thread; it answers every `{ index, item }` message with `{ index, value }` or `{ index, error }`. */
  worker: URL;
  workerData?: unknown;
  threads: number;
  items: I[];
  onResult: (item: I, outcome: PoolOutcome<O>) => void;
}

/**
 * A worker's young generation, the heap its short-lived objects are made in. V8's default lets it grow
 * to 32 MB or more in a thread that decodes with an LM; capped, 2 threads of transcribe peak about
 * 50 MB lower at the same CPU time.
 */
const YOUNG_GENERATION_MB = 8;

interface Reply<O> {
  index: number;
  value?: O;
  error?: string;
}

/**
 * Runs items through worker threads, one item per thread at a time, in any order. A thread that dies
 * fails only its own item and is replaced.
 */
export function runPool<I, O>(options: PoolOptions<I, O>): Promise<void> {
  const { items, onResult } = options;
  let next = 0;
  let finished = 0;
  return new Promise((resolve) => {
    if (items.length === 0) return resolve();
    const start = (): void => {
      const worker = new Worker(options.worker, { workerData: options.workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      let current = -1;
      const feed = (): void => {
        if (next >= items.length) {
          worker.postMessage({ close: true });
          return;
        }
        current = next++;
        worker.postMessage({ index: current, item: items[current] });
      };
      const settle = (index: number, outcome: PoolOutcome<O>): void => {
        onResult(items[index], outcome);
        if (++finished === items.length) resolve();
      };
      worker.on('message', (reply: Reply<O>) => {
        current = -1;
        settle(reply.index, reply.error === undefined ? { ok: true, value: reply.value as O } : { ok: false, error: reply.error });
        feed();
      });
      worker.on('error', (error) => {
        if (current >= 0) settle(current, { ok: false, error: error.message });
        current = -1;
        if (next < items.length) start();
      });
      feed();
    };
    for (let i = 0; i < Math.min(options.threads, items.length); i++) start();
  });
}

/**
 * The worker side of runPool: answers each item with `handle`'s value or its error message. When
 * there is no more work it runs `close` and lets the thread end by itself: terminating a thread
 * that holds an onnxruntime session aborts the process.
 */
export function serveItems<I, O>(
  port: import('node:worker_threads').MessagePort,
  handle: (item: I) => Promise<O>,
  close: () => Promise<void> = async () => undefined,
): void {
  port.on('message', async ({ index, item, close: last }: { index: number; item: I; close?: boolean }) => {
    if (last) {
      await close();
      port.close();
      return;
    }
    try {
      port.postMessage({ index, value: await handle(item) });
    } catch (error) {
      port.postMessage({ index, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
