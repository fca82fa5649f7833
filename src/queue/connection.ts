import { Redis } from 'ioredis';
import { CommandError } from '../cli/errors.js';

/**
 * A Redis connection that waits out outages: commands issued while Redis is away are sent once it
 * is back (BullMQ requires this of a worker's connection). Connection errors are told to `log`
 * once per outage instead of per retry.
 */
export function connectRedis(url: string, log: (message: string) => void): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log(`redis at ${url}: ${error.message}; retrying`);
  });
  redis.on('ready', () => {
    if (down) log(`redis at ${url}: connected again`);
    down = false;
  });
  return redis;
}

/** Rejects with why not when Redis cannot be reached, so a mistyped URL fails before any work starts. */
export async function checkRedis(url: string): Promise<void> {
  const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  // connect() rejects with "Connection is closed"; the error event says why.
  let reason: string | undefined;
  probe.on('error', (error: Error) => (reason ??= error.message));
  try {
    await probe.connect();
  } catch (error) {
    throw new CommandError(`cannot reach redis at ${url}: ${reason ?? (error instanceof Error ? error.message : String(error))}`);
  } finally {
    probe.disconnect();
  }
}

export async function connectRedisOrFail(url: string, log: (message: string) => void): Promise<Redis> {
  await checkRedis(url);
  return connectRedis(url, log);
}
