import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { batchProgress, listBatches, readBatch } from '../queue/batch-store.js';
import { connectRedisOrFail } from '../queue/connection.js';
import { collectBatch } from '../queue/producer.js';
import { BatchReport, withoutDone } from './batch-report.js';
import { UsageError } from './errors.js';

export const JOBS_HELP = `earshot jobs --redis URL [BATCH]

Without BATCH, lists the batches queued with 'earshot transcribe --redis' (kept 7 days): id, when,
files done of all, failures and output folder.
With BATCH, collects its results as 'earshot transcribe' reports them: progress on stderr, the
outputs written to the batch's --out folder (those already there are skipped) or JSON lines on
stdout, waiting for the files not done yet. Exit status: 0 when every file succeeded, 1 otherwise.

Options:
  --redis URL          the Redis the batch was queued on`;

export async function jobsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { redis: { type: 'string' } } });
  if (!values.redis) throw new UsageError(`earshot jobs needs --redis URL\n\n${JOBS_HELP}`);
  if (positionals.length > 1) throw new UsageError(`earshot jobs takes one batch id at most\n\n${JOBS_HELP}`);
  const redis = await connectRedisOrFail(values.redis, (message) => void process.stderr.write(`jobs: ${message}\n`));
  try {
    return positionals[0] === undefined ? await listAll(redis) : await collect(redis, positionals[0]);
  } finally {
    redis.disconnect();
  }
}

async function listAll(redis: Redis): Promise<number> {
  for (const batch of await listBatches(redis)) {
    const { done, failed } = await batchProgress(redis, batch.id);
    const out = batch.out ? `  ${batch.out}` : '';
    process.stdout.write(`${batch.id}  ${batch.created}  ${done}/${batch.files.length} done  ${failed} failed${out}\n`);
  }
  return 0;
}

async function collect(redis: Redis, id: string): Promise<number> {
  const batch = await readBatch(redis, id);
  if (!batch) {
    process.stderr.write(`jobs: no batch ${id} on this Redis (batches are kept 7 days; 'earshot jobs --redis URL' lists them)\n`);
    return 1;
  }
  const output = { out: batch.out, formats: batch.formats };
  const todo = new Set(await withoutDone(batch.files, output));
  const report = new BatchReport(todo.size, output);
  if (todo.size < batch.files.length) report.log(`jobs: ${batch.files.length - todo.size} files already written, skipped`);
  await collectBatch(redis, id, batch.files.length, (index, outcome) => {
    const input = batch.files[index]!;
    if (todo.has(input)) report.add(input, outcome);
  });
  return report.finish();
}
