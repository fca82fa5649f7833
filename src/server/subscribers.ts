import type { WebSocket } from 'ws';
import type { FinalResult } from '../recognizer/index.js';

/** Where a session's audio comes from: a vosk-protocol client, or the server's own microphone. */
export type SessionSource = 'websocket' | 'microphone';

export interface SessionStart {
  type: 'session-start';
  session: string;
  source: SessionSource;
  sampleRate: number;
  /** ISO 8601 time the session began. */
  startedAt: string;
}

/** What /subscribe clients receive, one JSON text frame per event. */
export type TranscriptEvent =
  | SessionStart
  | { type: 'partial'; session: string; partial: string }
  | ({ type: 'final'; session: string; text: string } & FinalResult)
  | { type: 'session-end'; session: string };

/**
 * Buffered bytes beyond which a subscriber is cut off: one that cannot keep up would otherwise make
 * the server hold every event for it.
 */
const MAX_SUBSCRIBER_BACKLOG = 4 * 1024 * 1024;

/** Fans transcript events out to /subscribe clients. */
export class SubscriberHub {
  private readonly subscribers = new Set<WebSocket>();
  /** Start events of the sessions in progress, replayed to each new subscriber. */
  private readonly live = new Map<string, SessionStart>();

  get size(): number {
    return this.subscribers.size;
  }

  add(socket: WebSocket): void {
    this.subscribers.add(socket);
    socket.once('close', () => this.subscribers.delete(socket));
    for (const start of this.live.values()) socket.send(JSON.stringify(start));
  }

  publish(event: TranscriptEvent): void {
    if (event.type === 'session-start') this.live.set(event.session, event);
    if (event.type === 'session-end') this.live.delete(event.session);
    if (this.subscribers.size === 0) return;
    const data = JSON.stringify(event);
    for (const socket of this.subscribers) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > MAX_SUBSCRIBER_BACKLOG) socket.terminate();
      else socket.send(data);
    }
  }
}
