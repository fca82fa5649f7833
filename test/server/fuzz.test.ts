import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
// The fuzzers are plain JavaScript, shared with bench/fuzz.mjs.
import { seedFiles } from '../../bench/fuzz/decoders.mjs';
import { fuzzServer, startServer } from '../../bench/fuzz/server.mjs';
import { hasTool } from '../helpers.js';

const CASES = 400;
const encoders = ['sox', 'opusenc', 'lame', 'ffmpeg'].every(hasTool);

interface Memory {
  cases: number;
  rss: number;
}

it.skipIf(!encoders)(`a real server takes ${CASES} seeded random, truncated and oversized frames, messages and uploads, stays up, and sessions beside them get their right finals`, async () => {
  const seeds = Object.values(seedFiles() as Record<string, Uint8Array[]>).flat();
  const r = await fuzzServer({ seed: 20261202, cases: CASES, warmup: 600, seeds });
  expect(r.serverUp).toBe(true);
  // Nothing logged but opus-decoder's own console.error lines for corrupt packets (it reports them as data too).
  expect(r.serverStderr.split('\n').filter((line: string) => line && !line.startsWith('libopus '))).toEqual([]);
  expect(r.wellFormed.wrong).toEqual([]);
  expect(r.wellFormed.run).toBeGreaterThan(5);
  expect(r.stillLive).toBe(0);
  const [before, after] = [r.memory[0] as Memory, r.memory.at(-1) as Memory];
  expect(after.rss / before.rss).toBeLessThan(1.1);
  // Every kind of case ran, and the server answered most of them one way or another.
  const kinds = new Set(Object.keys(r.outcomes).map((k) => k.split(':')[0]));
  expect(kinds.size).toBe(7);
  const unanswered = Object.entries(r.outcomes).filter(([k]) => k.endsWith('no answer')).reduce((n, [, v]) => n + (v as number), 0);
  expect(unanswered).toBeLessThan(CASES / 5);
}, 300_000);

let server: { port: number; stop: () => Promise<void> };
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

it('closes at eof at once even when frames queued behind it have paused the socket, and lists the session live no more', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/`);
  await new Promise((resolve) => socket.once('open', resolve));
  const started = performance.now();
  // Frames after the eof are still queued when its final goes out, and the backlog has paused the socket.
  socket.send(new Uint8Array(3200));
  socket.send('{"eof": 1}');
  for (let i = 0; i < 12; i++) socket.send(new Uint8Array(3200));
  const code = await new Promise((resolve) => socket.once('close', resolve));
  expect(code).toBe(1000);
  expect(performance.now() - started).toBeLessThan(5000);
  const subscriber = new WebSocket(`ws://127.0.0.1:${server.port}/subscribe`);
  const events: string[] = [];
  subscriber.on('message', (data) => events.push(JSON.parse(String(data)).type));
  await new Promise((resolve) => subscriber.once('open', () => setTimeout(resolve, 300)));
  subscriber.close();
  expect(events).toEqual([]);
}, 60_000);
