import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RecognitionMetrics, serveMetrics } from '../metrics/index.js';
import { connectRedisOrFail } from '../queue/connection.js';
import { DEFAULT_QUEUE } from '../queue/job.js';
import { startQueueWorker } from '../queue/worker.js';
import { DEFAULT_MODEL_DIR, type LoadOptions } from '../recognizer/index.js';
import { positiveInt } from './decoding-options.js';
import { UsageError } from './errors.js';
import { portNumber } from './serve.js';

const DEFAULT_MODELS_DIR = path.dirname(DEFAULT_MODEL_DIR);
const DEFAULT_METRICS_PORT = 2701;

export const WORKER_HELP = `earshot worker --redis URL [options]

Takes transcription jobs from a BullMQ queue on Redis (sent by 'earshot transcribe --redis') and
stores each result there, until Ctrl-C or SIGTERM, which finish the jobs in progress first.
Jobs name their model; the worker only runs models installed in its models folder.
GET /healthz and /metrics (Prometheus) are served on --host:--port.

Options:
  --redis URL          Redis to take jobs from, e.g. redis://10.0.0.5:6379
  --queue NAME         queue name (default ${DEFAULT_QUEUE})
  --threads N          jobs at once, one model session each (default: cores)
  --models DIR         folder of installed models, one folder each (default: the bundled models)
  --provider P         cpu | cuda (default cpu; cuda falls back to cpu when unavailable)
  --host H             interface for /healthz and /metrics (default 127.0.0.1)
  --port N             port for /healthz and /metrics (default ${DEFAULT_METRICS_PORT}; 0 picks a free one)`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      redis: { type: 'string' },
      queue: { type: 'string', default: DEFAULT_QUEUE },
      threads: { type: 'string' },
      models: { type: 'string', default: DEFAULT_MODELS_DIR },
      provider: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
    },
  });
  if (!values.redis) throw new UsageError(`earshot worker needs --redis URL\n\n${WORKER_HELP}`);
  if (values.provider && values.provider !== 'cpu' && values.provider !== 'cuda') throw new UsageError(`unknown --provider '${values.provider}'; use cpu or cuda`);
  const threads = positiveInt(values.threads, os.availableParallelism(), '--threads');
  const log = (message: string): void => void process.stderr.write(`earshot worker: ${message}\n`);
  const redis = await connectRedisOrFail(values.redis, log);
  const metrics = new RecognitionMetrics();
  const worker = startQueueWorker({
    redis,
    queue: values.queue,
    threads,
    modelsDir: path.resolve(values.models),
    provider: values.provider as LoadOptions['provider'],
    metrics,
    log,
  });
  const http = await serveMetrics(values.host, values.port === undefined ? DEFAULT_METRICS_PORT : portNumber(values.port), metrics, () => ({ healthy: worker.connected, queue: values.queue }));
  log(`taking jobs from queue '${values.queue}' with ${threads} thread${threads === 1 ? '' : 's'}; health at ${http.url}healthz, metrics at ${http.url}metrics`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log('finishing the jobs in progress');
  await worker.close();
  await http.close();
  redis.disconnect();
  return 0;
}
