import type { TranscriptEvent } from './subscribers.js';

/**
 * Carries transcript events from the sessions that make them to the subscribers that want them.
 * The server publishes its own sessions' events; the relay delivers to the server's subscribers
 * every event they should see: only local ones (localRelay), or every instance's (RedisRelay).
 */
export interface EventRelay {
  /** Starts delivering; resolves once no event published from now on can be missed. */
  start(deliver: (event: TranscriptEvent) => void): Promise<void>;
  publish(event: TranscriptEvent): void;
  close(): Promise<void>;
}

/** One server on its own: events go straight to its subscribers, as they are. */
export function localRelay(): EventRelay {
  let deliver: (event: TranscriptEvent) => void = () => {};
  return {
    async start(to) {
      deliver = to;
    },
    publish: (event) => deliver(event),
    async close() {},
  };
}
