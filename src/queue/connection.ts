import { Redis } from 'ioredis';

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

/** Connects, or rejects with why not, so a mistyped URL fails before any work starts. */
export async function connectRedisOrFail(url: string, log: (message: string) => void): Promise<Redis> {
  const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  probe.on('error', () => {});
  try {
    await probe.connect();
  } catch (error) {
    throw new Error(`cannot reach redis at ${url}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    probe.disconnect();
  }
  return connectRedis(url, log);
}
