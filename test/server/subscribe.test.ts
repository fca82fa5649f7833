import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/recognizer/index.js';
import { createServer, type AudioSource, type TranscriptEvent } from '../../src/server/index.js';
import { clip, frames, loadDefaultModel, VoskClient, wordErrorRate } from './helpers.js';
import { expectWordErrorRateAtMost } from '../accuracy.js';

const CLIP = 'cathy-arctic_a0040';

/** A /subscribe client that records every event it receives. */
class Subscriber {
  readonly events: TranscriptEvent[] = [];
  private readonly socket: WebSocket;
  private listeners: (() => void)[] = [];

  constructor(url: string) {
    this.socket = new WebSocket(`${url.replace(/^http/, 'ws')}subscribe`);
    this.socket.on('message', (data) => {
      this.events.push(JSON.parse(data.toString()) as TranscriptEvent);
      for (const listener of this.listeners) listener();
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve) => this.socket.once('open', () => resolve()));
  }

  /** Resolves once an event matches. */
  until(match: (event: TranscriptEvent) => boolean): Promise<TranscriptEvent> {
    return new Promise((resolve) => {
      const check = (): void => {
        const found = this.events.find(match);
        if (!found) return;
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(found);
      };
      this.listeners.push(check);
      check();
    });
  }

  of(session: string): TranscriptEvent[] {
    return this.events.filter((e) => e.session === session);
  }

  close(): void {
    this.socket.close();
  }
}

/** Plays PCM in 0.1 s chunks, as a microphone would, as fast as the test allows. */
class FakeMicrophone implements AudioSource {
  readonly sampleRate = 16000;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pcm: Int16Array) {}

  start(onChunk: (pcm: Int16Array) => void): void {
    let offset = 0;
    this.timer = setInterval(() => {
      onChunk(this.pcm.slice(offset, offset + 1600));
      offset += 1600;
      if (offset >= this.pcm.length) offset = 0;
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

let model: Model;
beforeAll(async () => {
  model = await loadDefaultModel();
});
afterAll(() => model?.release());

describe('/subscribe', () => {
  it("receives the start, partials, finals and end of another client's session", async () => {
    const server = await createServer({ model, port: 0 });
    try {
      const subscriber = new Subscriber(server.url);
      await subscriber.opened();
      const { pcm, reference } = clip(CLIP);
      const client = await VoskClient.connect(server.url);
      await client.stream(frames(pcm, 16000, 0.2));
      await client.send({ eof: 1 });
      await client.closed;

      const end = await subscriber.until((e) => e.type === 'session-end');
      const events = subscriber.of(end.session);
      expect(events[0]).toMatchObject({ type: 'session-start', source: 'websocket', sampleRate: 16000 });
      const types = events.map((e) => e.type);
      expect(types.indexOf('partial')).toBeGreaterThan(0);
      expect(types.indexOf('final')).toBeGreaterThan(types.indexOf('partial'));
      expect(types.at(-1)).toBe('session-end');
      const text = events.flatMap((e) => (e.type === 'final' ? [e.text] : [])).join(' ');
      expectWordErrorRateAtMost(wordErrorRate(text, reference), 0.5);
      subscriber.close();
    } finally {
      await server.close();
    }
  });

  it("publishes the server's microphone, and tells late subscribers of sessions in progress", async () => {
    const { pcm, reference } = clip(CLIP);
    // The clip, then silence long enough for an endpoint, over and over.
    const looped = new Int16Array(pcm.length + 2 * 16000);
    looped.set(pcm);
    const server = await createServer({ model, port: 0, microphone: new FakeMicrophone(looped) });
    try {
      const early = new Subscriber(server.url);
      const final = await early.until((e) => e.type === 'final');
      expectWordErrorRateAtMost(wordErrorRate((final as { text: string }).text, reference), 0.5);

      const late = new Subscriber(server.url);
      const start = await late.until((e) => e.type === 'session-start');
      expect(start).toMatchObject({ session: final.session, source: 'microphone', sampleRate: 16000 });
      early.close();
      late.close();
    } finally {
      await server.close();
    }
  });
});
