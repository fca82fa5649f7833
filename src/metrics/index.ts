import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Processing seconds per second of audio: below 1 is faster than real time. */
const REAL_TIME_FACTOR_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

/**
 * What serve and worker report at GET /metrics, in their own registry (so several servers in one
 * process do not collide). A session is a live stream or upload on serve, a job on a worker.
 */
export class RecognitionMetrics {
  readonly registry = new Registry();
  readonly activeSessions = new Gauge({ name: 'earshot_sessions_active', help: 'Audio sessions (serve) or jobs (worker) being transcribed', registers: [this.registry] });
  readonly sessions = new Counter({ name: 'earshot_sessions_total', help: 'Audio sessions (serve) or jobs (worker) started', registers: [this.registry] });
  readonly audioSeconds = new Counter({ name: 'earshot_audio_seconds_total', help: 'Seconds of audio transcribed', registers: [this.registry] });
  readonly processingSeconds = new Counter({ name: 'earshot_processing_seconds_total', help: 'Seconds spent transcribing that audio', registers: [this.registry] });
  readonly realTimeFactor = new Histogram({
    name: 'earshot_real_time_factor',
    help: 'Processing seconds per audio second, per session (serve) or job (worker)',
    buckets: REAL_TIME_FACTOR_BUCKETS,
    registers: [this.registry],
  });
  readonly errors = new Counter({ name: 'earshot_errors_total', help: 'Failed sessions, uploads, jobs and server-side sources', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts audio transcribed in `processingSeconds`. */
  transcribed(audioSeconds: number, processingSeconds: number): void {
    this.audioSeconds.inc(audioSeconds);
    this.processingSeconds.inc(processingSeconds);
  }

  /** Observes a whole session's or job's real-time factor; its audio is counted by `transcribed`. */
  finished(audioSeconds: number, processingSeconds: number): void {
    if (audioSeconds > 0) this.realTimeFactor.observe(processingSeconds / audioSeconds);
  }
}

export const METRICS_PATH = '/metrics';
export const HEALTH_PATH = '/healthz';

/** GET /metrics in Prometheus's text format. */
export async function sendMetrics(response: ServerResponse, metrics: RecognitionMetrics): Promise<void> {
  try {
    const text = await metrics.registry.metrics();
    response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

/** GET /healthz: 200 with `health`'s fields when `healthy`, else 503. */
export function sendHealth(response: ServerResponse, health: { healthy: boolean } & Record<string, unknown>): void {
  const { healthy, ...fields } = health;
  response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ status: healthy ? 'ok' : 'unavailable', ...fields }) + '\n');
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** A port of its own serving only /healthz and /metrics, for the worker, which has no other HTTP. */
export async function serveMetrics(host: string, port: number, metrics: RecognitionMetrics, health: () => { healthy: boolean } & Record<string, unknown>): Promise<MetricsServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') response.writeHead(405, { allow: 'GET, HEAD' }).end();
    else if (pathname === METRICS_PATH) void sendMetrics(response, metrics);
    else if (pathname === HEALTH_PATH) sendHealth(response, health());
    else response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
