import { Redis } from 'ioredis';
import type { EventRelay } from './relay.js';
import type { SessionStart, TranscriptEvent } from './subscribers.js';

/** Redis pub/sub channels: every instance's events, and each instance's heartbeat. */
const EVENTS_CHANNEL = 'earshot:events';
const ALIVE_CHANNEL = 'earshot:instances';

/** Heartbeat interval; an instance not heard from for ALIVE_TIMEOUT_MS is taken as gone. */
const ALIVE_INTERVAL_MS = 2000;
const ALIVE_TIMEOUT_MS = 3 * ALIVE_INTERVAL_MS;

/** An instance's heartbeat: the sessions it has in progress. */
interface Alive {
  instance: string;
  sessions: SessionStart[];
}

/** A session-start tagged with its instance. */
type Tagged = TranscriptEvent & { instance: string };

/**
 * Several servers behind one address: each publishes its sessions' events on Redis, tagged with
 * its instance id, and delivers every instance's events to its own subscribers. Local events are
 * delivered directly, so a Redis outage costs only the other instances' events.
 *
 * Each instance also sends a heartbeat listing its sessions in progress. It tells an instance that
 * started late which sessions exist, and when an instance stops sending it (killed), its sessions
 * are ended for the subscribers of the others.
 */
export class RedisRelay implements EventRelay {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  /** Sessions in progress, by instance, with when that instance was last heard from. */
  private readonly instances = new Map<string, { seen: number; sessions: Map<string, SessionStart> }>();
  private deliver: (event: TranscriptEvent) => void = () => {};
  private timer?: NodeJS.Timeout;
  private publishFailing = false;
  private lastWarning = '';

  constructor(
    url: string,
    readonly instance: string,
    private readonly log: (message: string) => void,
  ) {
    // Live events are worth nothing late: while Redis is away they are dropped, not queued.
    this.publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.subscriber = new Redis(url);
    this.publisher.on('error', () => {});
    this.subscriber.on('error', (error: Error) => this.warn(`redis: ${error.message}`));
  }

  async start(deliver: (event: TranscriptEvent) => void): Promise<void> {
    this.deliver = deliver;
    this.subscriber.on('message', (channel: string, message: string) => this.receive(channel, message));
    await this.subscriber.subscribe(EVENTS_CHANNEL, ALIVE_CHANNEL);
    this.timer = setInterval(() => this.beat(), ALIVE_INTERVAL_MS);
  }

  publish(event: TranscriptEvent): void {
    const tagged: Tagged = { ...event, instance: this.instance };
    this.track(tagged);
    this.deliver(tagged);
    this.send(EVENTS_CHANNEL, tagged);
  }

  /** Sends the events already published (the session-ends of a server closing), then disconnects. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }

  private receive(channel: string, message: string): void {
    let parsed: Tagged | Alive;
    try {
      parsed = JSON.parse(message) as Tagged | Alive;
    } catch {
      return this.warn(`ignored a message on ${channel} that is not JSON`);
    }
    if (parsed.instance === this.instance) return;
    if (channel === ALIVE_CHANNEL) this.heard(parsed as Alive);
    else {
      this.track(parsed as Tagged);
      this.deliver(parsed as Tagged);
    }
  }

  /** Keeps each instance's sessions in progress, from their start and end events. */
  private track(event: Tagged): void {
    const entry = this.entry(event.instance);
    if (event.type === 'session-start') entry.sessions.set(event.session, event);
    if (event.type === 'session-end') entry.sessions.delete(event.session);
  }

  /** A heartbeat: starts of sessions this instance had not heard of, ends of those no longer listed. */
  private heard({ instance, sessions }: Alive): void {
    const entry = this.entry(instance);
    const listed = new Set(sessions.map((s) => s.session));
    for (const start of sessions) {
      if (!entry.sessions.has(start.session)) this.deliverTracked({ ...start, instance });
    }
    for (const session of [...entry.sessions.keys()]) {
      if (!listed.has(session)) this.deliverTracked({ type: 'session-end', session, instance });
    }
  }

  private beat(): void {
    this.send(ALIVE_CHANNEL, { instance: this.instance, sessions: [...this.entry(this.instance).sessions.values()] } satisfies Alive);
    const now = Date.now();
    for (const [instance, entry] of this.instances) {
      if (instance === this.instance || now - entry.seen < ALIVE_TIMEOUT_MS) continue;
      this.warn(`instance ${instance} is gone: ${entry.sessions.size} of its sessions ended`);
      for (const session of [...entry.sessions.keys()]) this.deliverTracked({ type: 'session-end', session, instance });
      this.instances.delete(instance);
    }
  }

  private deliverTracked(event: Tagged): void {
    this.track(event);
    this.deliver(event);
  }

  private entry(instance: string): { seen: number; sessions: Map<string, SessionStart> } {
    let entry = this.instances.get(instance);
    if (!entry) {
      entry = { seen: Date.now(), sessions: new Map() };
      this.instances.set(instance, entry);
    }
    entry.seen = Date.now();
    return entry;
  }

  private send(channel: string, body: object): void {
    this.publisher.publish(channel, JSON.stringify(body)).then(
      () => {
        if (this.publishFailing) this.log('redis: publishing again');
        this.publishFailing = false;
      },
      (error: Error) => {
        if (!this.publishFailing) this.warn(`redis: events are not reaching other instances: ${error.message}`);
        this.publishFailing = true;
      },
    );
  }

  /** Logs a warning unless it repeats the last one, so a long outage logs once. */
  private warn(message: string): void {
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    this.log(message);
  }
}
