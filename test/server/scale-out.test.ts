// Two `earshot serve --redis` processes behind a real nginx, with a real redis-server: every
// instance's sessions reach a subscriber on one; an instance killed leaves the rest running.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earshot, freePort, LOOPBACK, RedisProcess, sleep, startNginx, type Child } from '../scale-out-helpers.js';
import { clip, frames, VoskClient } from './helpers.js';

type Event = { type: string; session: string; instance?: string; text?: string };

/** A /subscribe client that keeps every event. */
class Subscriber {
  readonly events: Event[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.events.push(JSON.parse(data.toString()) as Event));
  }

  static connect(url: string): Promise<Subscriber> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Subscriber(socket)));
      socket.once('error', reject);
    });
  }

  async waitFor(test: (e: Event) => boolean, timeoutMs = 30_000): Promise<Event> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(test);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(this.events.map((e) => [e.type, e.instance]))}`);
      await sleep(50);
    }
  }
}

async function serve(redisUrl: string): Promise<{ child: Child; port: number; instance: string }> {
  const port = await freePort();
  const child = earshot(['serve', '--redis', redisUrl, '--port', String(port)]);
  await child.waitFor(/web page at/);
  return { child, port, instance: `${os.hostname()}:${child.process.pid}` };
}

describe('several servers behind nginx', () => {
  let tmp: string;
  let redis: RedisProcess;
  let servers: Awaited<ReturnType<typeof serve>>[];
  let nginx: { port: number; child: Child };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'earshot-scale-'));
    redis = await RedisProcess.start(path.join(tmp, 'redis'));
    servers = await Promise.all([serve(redis.url), serve(redis.url)]);
    nginx = await startNginx(path.join(tmp, 'nginx'), servers.map((s) => s.port));
  }, 120_000);

  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.child.kill('SIGTERM')));
    await nginx?.child.kill('SIGTERM');
    await redis?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('answers /healthz and /metrics through nginx', async () => {
    const base = `http://${LOOPBACK}:${nginx.port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['earshot_sessions_active', 'earshot_audio_seconds_total', 'earshot_real_time_factor_bucket', 'earshot_errors_total']) {
      expect(metrics).toContain(name);
    }
  });

  it("carries both instances' sessions to a subscriber on one, and goes on when the other is killed", async () => {
    const [home, other] = servers as [Awaited<ReturnType<typeof serve>>, Awaited<ReturnType<typeof serve>>];
    const subscriber = await Subscriber.connect(`ws://${LOOPBACK}:${home.port}/subscribe`);
    const { pcm } = clip('cathy-arctic_a0040');
    const audio = frames(pcm, 16000, 0.25);
    const viaNginx = `ws://${LOOPBACK}:${nginx.port}/`;
    // nginx's round robin puts consecutive connections on different instances.
    const clients = [await VoskClient.connect(viaNginx), await VoskClient.connect(viaNginx)];
    await Promise.all(clients.map((c) => c.stream(audio)));
    const finals = await Promise.all(clients.map((c) => c.send({ eof: 1 })));
    for (const final of finals) expect(final?.text).toBeTruthy();
    for (const server of servers) {
      const start = await subscriber.waitFor((e) => e.type === 'session-start' && e.instance === server.instance);
      const final = await subscriber.waitFor((e) => e.type === 'final' && e.session === start.session);
      expect(final.instance).toBe(server.instance);
      expect(final.text).toBe(finals[0]!.text);
    }

    // Two open sessions, one on each instance; then the other instance dies.
    const open = [await VoskClient.connect(viaNginx), await VoskClient.connect(viaNginx)];
    await Promise.all(open.map((c) => c.send(audio[0]!)));
    const otherStart = await subscriber.waitFor((e) => e.type === 'session-start' && e.instance === other.instance && !subscriber.events.some((f) => f.type === 'session-end' && f.session === e.session));
    await other.child.kill('SIGKILL');
    const closed = await Promise.race(open.map((c, k) => c.closed.then(() => k)));
    const survivor = open[1 - closed]!;
    // Its subscribers hear that the lost instance's session ended.
    await subscriber.waitFor((e) => e.type === 'session-end' && e.session === otherStart.session);
    // The session on the live instance carries on, and the closed client reconnects through nginx.
    expect((await survivor.send({ eof: 1 }))?.text).toBeDefined();
    const seenBefore = subscriber.events.length;
    const reconnected = await VoskClient.connect(viaNginx);
    await reconnected.stream(audio);
    expect((await reconnected.send({ eof: 1 }))?.text).toBe(finals[0]!.text);
    const late = await subscriber.waitFor((e) => e.type === 'final' && e.text === finals[0]!.text && subscriber.events.indexOf(e) >= seenBefore);
    expect(late.instance).toBe(home.instance);
    expect(subscriber.socket.readyState).toBe(WebSocket.OPEN);
    subscriber.socket.close();
  }, 120_000);
});
