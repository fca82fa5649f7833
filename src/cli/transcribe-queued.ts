import path from 'node:path';
import { Queue } from 'bullmq';
import type { ParseArgsConfig } from 'node:util';
import { collectBatch, enqueueBatch } from '../queue/producer.js';
import { connectRedisOrFail } from '../queue/connection.js';
import { checkName, DEFAULT_MODEL_NAME, DEFAULT_QUEUE, InvalidJobError, type JobDecoding } from '../queue/job.js';
import type { BatchOutput, BatchReport } from './batch-report.js';
import { parseHotword, positiveInt, readGrammar } from './decoding-options.js';
import { UsageError } from './errors.js';
import type { AudioInput } from './inputs.js';

export const QUEUE_OPTIONS = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  detach: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

export const QUEUE_HELP = `  --redis URL          send the files to 'earshot worker's through this Redis instead of
                       transcribing here; --model and --lm then name models installed on the workers
  --queue NAME         the workers' queue (default ${DEFAULT_QUEUE})
  --detach             with --redis: queue the files, print the batch id and exit;
                       'earshot jobs --redis URL BATCH' collects the results`;

/** How a batch's files are transcribed: here in threads, or by queue workers. Results go to `report`. */
export type BatchRun = (inputs: AudioInput[], output: BatchOutput, report: BatchReport) => Promise<void>;

interface QueuedValues {
  redis?: string;
  queue?: string;
  detach?: boolean;
  model?: string;
  lm?: string;
  'no-lm'?: boolean;
  beam?: string;
  provider?: string;
  hotword?: string[];
  grammar?: string;
  threads?: string;
}

/** Checks the options and connects, so a mistake fails before anything is queued. */
export async function queuedRun(values: QueuedValues & { redis: string }): Promise<BatchRun> {
  const decoding = await jobDecoding(values);
  const queueName = values.queue ?? DEFAULT_QUEUE;
  const log = (message: string): void => void process.stderr.write(`transcribe: ${message}\n`);
  const redis = await connectRedisOrFail(values.redis, log);
  return async (inputs, output, report) => {
    const queue = new Queue(queueName, { connection: redis });
    try {
      if (inputs.length === 0) return;
      const batch = await enqueueBatch(redis, queue, inputs, decoding, { out: output.out && path.resolve(output.out), formats: output.formats });
      const collectLater = `'earshot jobs --redis ${values.redis} ${batch.id}' collects the results`;
      if (values.detach) {
        process.stdout.write(batch.id + '\n');
        report.log(`transcribe: batch ${batch.id}: ${inputs.length} files queued on '${queueName}'; ${collectLater}`);
        return;
      }
      const workers = (await queue.getWorkers()).length;
      report.log(`transcribe: batch ${batch.id}: ${inputs.length} files queued on '${queueName}'` +
        (workers === 0 ? ', where no worker is taking jobs yet' : ` for ${workers} workers`) + `; if interrupted, ${collectLater}`);
      await collectBatch(redis, batch.id, inputs.length, (index, outcome) => report.add(inputs[index]!, outcome));
    } finally {
      await queue.close();
      redis.disconnect();
    }
  };
}

/** The decoding a job carries; models and LMs are names, resolved on the worker. */
async function jobDecoding(values: QueuedValues): Promise<JobDecoding> {
  if (values.provider !== undefined) throw new UsageError('--provider is set on each worker (earshot worker --provider), not with --redis');
  if (values.threads !== undefined) throw new UsageError('--threads is set on each worker (earshot worker --threads), not with --redis');
  try {
    return {
      model: checkName(values.model ?? DEFAULT_MODEL_NAME, '--model'),
      lm: values['no-lm'] ? false : values.lm === undefined ? true : checkName(values.lm, '--lm'),
      beam: values.beam === undefined ? undefined : positiveInt(values.beam, 0, '--beam'),
      hotwords: values.hotword?.map(parseHotword),
      grammar: values.grammar === undefined ? undefined : await readGrammar(values.grammar),
    };
  } catch (error) {
    if (error instanceof InvalidJobError) throw new UsageError(`${error.message}: with --redis it names what is installed on the workers`);
    throw error;
  }
}

