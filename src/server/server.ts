import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CompiledContext } from '../intent/index.js';
import { HEALTH_PATH, METRICS_PATH, RecognitionMetrics, sendHealth, sendMetrics } from '../metrics/index.js';
import { DEFAULT_MODEL_DIR, type Model } from '../recognizer/index.js';
import { sendJson, staticFiles, WEB_BUILD_DIR, WEB_DIR, type RequestHandler } from './http.js';
import { localRelay, type EventRelay } from './relay.js';
import { SubscriberHub } from './subscribers.js';
import { uploadHandler, UPLOAD_PATH } from './upload.js';
import { VoskSession, type Replies } from './vosk-session.js';
import { concatArrays } from '../audio/concat.js';

/** A live 16-bit PCM source the server transcribes itself, such as src/audio's Microphone. */
export interface AudioSource {
  /** Rate of the chunks it delivers. */
  readonly sampleRate: number;
  /** onError is called at most once, when the source cannot go on; no chunks follow it. */
  start(onChunk: (pcm: Int16Array) => void, onError: (error: Error) => void): void;
  stop(): void;
}

export interface ServerOptions {
  /** The loaded model all sessions share; the server does not release it. */
  model: Model;
  /** Interface to listen on (default '127.0.0.1': this machine only). */
  host?: string;
  /** TCP port (default 2700, vosk-server's); 0 picks a free one. */
  port?: number;
  /**
   * When set, WebSocket clients must present it as `?token=` or `Authorization: Bearer` (default
   * none). It also lets pages from other origins connect, which are refused without one.
   */
  token?: string;
  /** Audio sessions at once, WebSocket streams and file uploads together; more are closed with 1013, or answered 503 (default 8). */
  maxSessions?: number;
  /** Largest message in bytes; a client sending more is closed with 1009 (default 1 MiB). */
  maxPayload?: number;
  /** Largest file POSTed to /transcribe, in bytes; a larger one is answered 413 (default 64 MiB). */
  maxUploadBytes?: number;
  /** An audio session that sends nothing for this long is closed with 1001 (default 60 s). */
  idleTimeoutMs?: number;
  /** Ping interval; a peer that has not answered the previous ping is dropped (default 30 s). */
  heartbeatMs?: number;
  /** Transcribed from start to close as one more session, published to subscribers (default none). */
  microphone?: AudioSource;
  /** Sessions decode this context's commands unless a client's config sends its own (default none). */
  context?: CompiledContext;
  /** The model directory whose model.json, model.onnx and lm.bin the page's in-browser mode fetches from /model/ (default DEFAULT_MODEL_DIR). */
  modelDir?: string;
  /** Told of failures no client hears of: the microphone's and the recognizer's (default: ignored). */
  log?: (message: string) => void;
  /** Carries transcript events to subscribers: this server's only (default), or several servers' (RedisRelay). */
  relay?: EventRelay;
  /** Counters served at GET /metrics (default: a fresh set). */
  metrics?: RecognitionMetrics;
}

export interface RunningServer {
  /** Where the web page is, e.g. http://127.0.0.1:2700/; the vosk endpoint is the same address with ws:. */
  url: string;
  port: number;
  /** Closes every connection (1001), stops the microphone and stops listening. */
  close(): Promise<void>;
}

export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 2700,
  maxSessions: 8,
  maxPayload: 1024 * 1024,
  maxUploadBytes: 64 * 1024 * 1024,
  idleTimeoutMs: 60_000,
  heartbeatMs: 30_000,
} as const;

/** WebSocket close codes the server uses; 1009 (message too big) comes from ws itself. */
export const CLOSE_CODES = {
  /** After the final that answers eof. */
  eof: 1000,
  /** Idle timeout, or the server shutting down. */
  goingAway: 1001,
  /** The recognizer failed on this session. */
  internalError: 1011,
  /** maxSessions audio sessions, or MAX_SUBSCRIBERS subscribers, are already connected. */
  busy: 1013,
} as const;

/** Subscribers at once: each costs a copy of every event. */
export const MAX_SUBSCRIBERS = 64;

/** Messages a session may have waiting before the server stops reading its socket. */
const MAX_BACKLOG = 8;

/** How long a closing client gets to answer the close handshake at shutdown. */
const CLOSE_GRACE_MS = 1000;

type Route = 'audio' | 'subscribe';
const ROUTES: Record<string, Route> = { '/': 'audio', '/subscribe': 'subscribe' };

/**
 * Starts the server: the vosk protocol at ws://host:port/, transcript events at /subscribe, file
 * transcription at POST http://host:port/transcribe and the web page at http://host:port/.
 * Resolves once it listens.
 */
export async function createServer(options: ServerOptions): Promise<RunningServer> {
  const settings = { ...SERVER_DEFAULTS, log: () => {}, relay: localRelay(), metrics: new RecognitionMetrics(), ...options };
  const { relay, metrics } = settings;
  const log = settings.log;
  // Every message the server logs is a failure.
  settings.log = (message) => {
    metrics.errors.inc();
    log(message);
  };
  const hub = new SubscriberHub();
  await relay.start((event) => hub.publish(event));
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxPayload });
  const startSession = sessionPlaces(settings.maxSessions);
  const serveUpload = uploadHandler({ model: settings.model, maxBytes: settings.maxUploadBytes, startSession, log: settings.log, metrics });
  const http = createHttpServer(routeHttp(await staticFiles(WEB_DIR, WEB_BUILD_DIR, settings.modelDir ?? DEFAULT_MODEL_DIR), serveUpload, settings));

  const serveAudio = (socket: WebSocket): void => {
    const release = startSession();
    if (!release) {
      socket.close(CLOSE_CODES.busy, `server busy: ${settings.maxSessions} sessions in progress`);
      return;
    }
    socket.once('close', release);
    metrics.sessions.inc();
    metrics.activeSessions.inc();
    socket.once('close', () => metrics.activeSessions.dec());
    const session = new VoskSession(settings.model, { source: 'websocket', config: { context: settings.context }, publish: (e) => relay.publish(e) });
    serveVoskSession(socket, session, settings);
  };
  const serveSubscriber = (socket: WebSocket): void => {
    if (hub.size >= MAX_SUBSCRIBERS) socket.close(CLOSE_CODES.busy, `server busy: ${MAX_SUBSCRIBERS} subscribers connected`);
    else hub.add(socket);
  };

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = ROUTES[url.pathname];
    if (!route) return refuseUpgrade(socket, 404);
    const refusal = accessRefusal(request, url, settings.token);
    if (refusal) return refuseUpgrade(socket, refusal);
    wss.handleUpgrade(request, socket, head, (ws) => {
      // A client's protocol violation (such as a frame over maxPayload): ws closes the socket itself.
      ws.on('error', () => {});
      wss.emit('connection', ws, request);
      (route === 'audio' ? serveAudio : serveSubscriber)(ws);
    });
  });

  await listen(http, settings.host, settings.port);
  const { port } = http.address() as AddressInfo;
  const stopHeartbeat = startHeartbeat(wss, settings.heartbeatMs);
  const stopMicrophone = options.microphone ? transcribeSource(options.microphone, settings) : () => {};

  return {
    url: `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}/`,
    port,
    async close() {
      stopHeartbeat();
      stopMicrophone();
      await Promise.all([...wss.clients].map(closeGracefully));
      wss.close();
      await new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
      await relay.close();
    },
  };
}

/**
 * The audio-session places that WebSocket streams and uploads share: the function takes one and
 * returns its release, or undefined when all `max` are taken.
 */
function sessionPlaces(max: number): () => (() => void) | undefined {
  let taken = 0;
  return () => {
    if (taken >= max) return undefined;
    taken++;
    return () => void taken--;
  };
}

/**
 * Plain HTTP requests: uploads and metrics, under the same access rules as the WebSocket
 * endpoints; the health check and the web page's files, open to all.
 */
function routeHttp(serveStatic: RequestHandler, serveUpload: RequestHandler, settings: { token?: string; metrics: RecognitionMetrics }): RequestHandler {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === HEALTH_PATH) return sendHealth(response, { healthy: true });
    if (url.pathname !== UPLOAD_PATH && url.pathname !== METRICS_PATH) return serveStatic(request, response);
    const refusal = accessRefusal(request, url, settings.token);
    if (refusal) sendJson(response, refusal, { error: STATUS_CODES[refusal] });
    else if (url.pathname === METRICS_PATH) void sendMetrics(response, settings.metrics);
    else serveUpload(request, response);
  };
}

/** Connects a vosk-protocol socket to its session: replies in order, idle timeout, backpressure. */
function serveVoskSession(socket: WebSocket, session: VoskSession, settings: { idleTimeoutMs: number; log: (message: string) => void; metrics: RecognitionMetrics }): void {
  const { metrics } = settings;
  let audioSeconds = 0;
  let processingSeconds = 0;
  /** A frame's time counts from its arrival, so it includes waiting behind the frames before it. */
  const measure = (bytes: number, since: number): void => {
    const audio = bytes / 2 / session.sampleRate;
    const processing = (performance.now() - since) / 1000;
    audioSeconds += audio;
    processingSeconds += processing;
    metrics.transcribed(audio, processing);
  };
  // A socket paused for its backlog reads nothing, not even the client's answer to a close frame:
  // closed paused, it stayed open (holding its session place, listed live) until ws's 30 s close
  // timeout. Messages queued behind the end are dropped.
  const end = (code: number, reason: string): void => {
    session.close();
    socket.resume();
    socket.close(code, reason);
  };
  const idle = setTimeout(() => end(CLOSE_CODES.goingAway, 'idle timeout'), settings.idleTimeoutMs);
  const send = (replies: Replies): void => {
    if (socket.readyState !== socket.OPEN) return;
    for (const reply of replies.messages) socket.send(JSON.stringify(reply));
    if (replies.end) end(CLOSE_CODES.eof, 'eof');
    else if (socket.isPaused && session.backlog < MAX_BACKLOG) socket.resume();
  };
  const fail = (error: unknown): void => {
    const message = `recognition failed: ${errorMessage(error)}`;
    settings.log(`session ${session.id}: ${message}`);
    send({ messages: [{ error: message }], end: false });
    end(CLOSE_CODES.internalError, 'recognition failed');
  };
  socket.on('message', (data, isBinary) => {
    idle.refresh();
    const since = performance.now();
    const replies = session.receive(isBinary ? (data as Buffer) : data.toString());
    if (isBinary) void replies.then(() => measure((data as Buffer).length, since), () => {});
    replies.then(send, fail);
    if (session.backlog >= MAX_BACKLOG) socket.pause();
  });
  socket.once('close', () => {
    clearTimeout(idle);
    session.close();
    metrics.finished(audioSeconds, processingSeconds);
  });
}

/**
 * Runs a server-side source as a session whose replies go nowhere; its transcript reaches
 * subscribers. Chunks that arrive while the recognizer is busy are fed together, so a slow machine
 * falls behind without queueing a decode per chunk.
 */
function transcribeSource(source: AudioSource, settings: { model: Model; log: (message: string) => void; relay: EventRelay; context?: CompiledContext }): () => void {
  const { sampleRate } = source;
  const session = new VoskSession(settings.model, { source: 'microphone', config: { sampleRate, context: settings.context }, publish: (e) => settings.relay.publish(e) });
  let waiting: Int16Array[] = [];
  let feeding = false;
  const stop = (): void => {
    source.stop();
    session.close();
  };
  const fail = (error: unknown): void => {
    settings.log(`microphone: ${errorMessage(error)}`);
    stop();
  };
  const feedWaiting = async (): Promise<void> => {
    feeding = true;
    try {
      while (waiting.length > 0) {
        const samples = concatArrays(Int16Array, waiting);
        waiting = [];
        // Int16Array is host-endian: little-endian on every platform Node.js runs on.
        await session.receive(new Uint8Array(samples.buffer));
      }
    } finally {
      feeding = false;
    }
  };
  source.start((pcm) => {
    waiting.push(pcm);
    if (!feeding) feedWaiting().catch(fail);
  }, fail);
  return stop;
}

/** Pings every client each interval; one that has not answered the last ping is dropped. */
function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const awaitingPong = new WeakSet<WebSocket>();
  const answered = (socket: WebSocket): void => void awaitingPong.delete(socket);
  wss.on('connection', (socket: WebSocket) => {
    socket.on('pong', () => answered(socket));
    socket.on('message', () => answered(socket));
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, intervalMs);
  return () => clearInterval(timer);
}

/** 401 without the token when one is set; 403 for another site's page when none is. */
function accessRefusal(request: IncomingMessage, url: URL, token: string | undefined): 401 | 403 | undefined {
  if (token !== undefined) return hasToken(request, url, token) ? undefined : 401;
  return isCrossOrigin(request) ? 403 : undefined;
}

function hasToken(request: IncomingMessage, url: URL, token: string): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const given = url.searchParams.get('token') ?? bearer;
  return given !== undefined && given !== null && sameSecret(given, token);
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * A browser page from another site: without a token, any page the user visits could otherwise
 * listen to /subscribe on localhost. Non-browser clients send no Origin.
 */
function isCrossOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refuseUpgrade(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function closeGracefully(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(CLOSE_CODES.goingAway, 'server shutting down');
  });
}

function listen(http: ReturnType<typeof createHttpServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}
