// Server fuzzing over real sockets: random, truncated and oversized WebSocket frames, JSON messages,
// uploads, multipart bodies and raw bytes, sent to a real earshot server on 127.0.0.1 while
// well-formed sessions run beside them. The server must stay up, every well-formed session must get
// its right final, and its RSS (after a full GC) must come back to within 10% of what it was.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { concat, mutate, pick, randomInt, seededRandom } from './mutations.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLIP = readFileSync(path.join(ROOT, 'audio-samples', 'cathy-arctic_a0040.wav'));
/** The clip's PCM in 0.2 s frames, as a well-formed client sends it. */
const CLIP_FRAMES = Array.from({ length: Math.ceil((CLIP.length - 44) / 6400) }, (_, i) => CLIP.subarray(44 + i * 6400, 44 + (i + 1) * 6400));

/** Small limits, so that oversized cases cost little. */
export const LIMITS = { maxPayload: 64 * 1024, maxUploadBytes: 256 * 1024, maxSessions: 32, idleTimeoutMs: 5000 };
/** How long a fuzz client waits for an answer before it gives up and drops the connection. */
const CASE_TIMEOUT_MS = 2000;

/** Starts server-child.mjs and resolves once it listens. */
export async function startServer({ lm = false } = {}) {
  const child = fork(new URL('./server-child.mjs', import.meta.url), [JSON.stringify({ lm, ...LIMITS })], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const { port } = await Promise.race([nextMessage(child, 'port'), exited.then((e) => Promise.reject(new Error(`server exited (${JSON.stringify(e)}): ${stderr}`)))]);
  let alive = true;
  void exited.then(() => (alive = false));
  return {
    port,
    alive: () => alive,
    exited,
    stderr: () => stderr,
    /** Memory after a full GC: process.memoryUsage()'s rss, heapUsed, external and arrayBuffers. */
    memory: async () => {
      child.send('rss');
      const { rss, heapUsed, external, arrayBuffers } = await nextMessage(child, 'rss');
      return { rss, heapUsed, external, arrayBuffers };
    },
    stop: async () => {
      if (alive) child.send('close');
      await exited;
    },
  };
}

function nextMessage(child, key) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message[key] === undefined) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

/** One well-formed vosk session: the clip in lock step (a frame, its reply), then eof; resolves to the text of its finals. */
export function wellFormedSession(port) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    const finals = [];
    let sent = 0;
    let eofSent = false;
    const sendNext = () => {
      if (sent < CLIP_FRAMES.length) return socket.send(CLIP_FRAMES[sent++]);
      socket.send('{"eof": 1}');
      eofSent = true;
    };
    socket.on('open', sendNext);
    socket.on('message', (data) => {
      const reply = JSON.parse(String(data));
      if (reply.error) reject(new Error(`well-formed session got an error: ${reply.error}`));
      if (reply.text) finals.push(reply.text);
      if (!eofSent) sendNext();
    });
    socket.on('close', (code) => (code === 1000 ? resolve(finals.join(' ')) : reject(new Error(`well-formed session closed with ${code}`))));
    socket.on('error', reject);
  });
}

// Fuzz cases. Each takes (random, port) and resolves to a label for the outcome histogram; a case
// whose server never answers resolves to 'no answer' when the client gives up.

/** JSON messages a client might send, well-formed or not. */
function randomText(random) {
  const value = () => pick(random, [0, 1, -1, 8000, 16000, 192001, 1e308, 0.5, true, null, 'x', '', [], {}, ['a', '[unk]'], 'x'.repeat(randomInt(random, 0, 5000))]);
  const messages = [
    () => JSON.stringify({ config: { sample_rate: value(), words: value(), max_alternatives: value(), phrase_list: value() } }),
    () => JSON.stringify({ config: { model: 'other' } }),
    () => JSON.stringify({ [pick(random, ['eof', 'reset', 'config', 'nope', ''])]: value() }),
    () => JSON.stringify(value()),
    () => '{"config": '.repeat(randomInt(random, 1, 2000)),
    () => '['.repeat(randomInt(random, 1, 5000)) + ']'.repeat(randomInt(random, 0, 5000)),
    () => Buffer.from(Uint8Array.from({ length: randomInt(random, 0, 300) }, () => randomInt(random, 0, 255))).toString('latin1'),
    () => '{"eof": 1}',
    () => '{"reset": 1}',
  ];
  return pick(random, messages)();
}

function randomBytes(random, max) {
  return Uint8Array.from({ length: randomInt(random, 0, max) }, () => randomInt(random, 0, 255));
}

/** Opens a WebSocket and runs `script` on it; resolves to 'ws close CODE', or 'no answer' if it does not close in time. */
function withSocket(port, pathname, script) {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${pathname}`, { maxPayload: 1 << 20 });
    const timer = setTimeout(() => {
      socket.terminate();
      resolve('no answer');
    }, CASE_TIMEOUT_MS);
    const end = (label) => {
      clearTimeout(timer);
      resolve(label);
    };
    socket.on('open', () => script(socket, end));
    socket.on('close', (code) => end(`ws close ${code}`));
    socket.on('error', () => end('ws error'));
  });
}

const wsMessages = (random, port) =>
  withSocket(port, '/', (socket, end) => {
    for (let n = randomInt(random, 1, 12); n > 0; n--) {
      socket.send(random() < 0.6 ? randomBytes(random, pick(random, [1, 7, 640, 2000])) : randomText(random));
    }
    const ending = pick(random, ['eof', 'close', 'terminate', 'reset-close']);
    if (ending === 'eof') socket.send('{"eof": 1}');
    if (ending === 'close') socket.close(1000);
    if (ending === 'reset-close') {
      socket.send('{"reset": 1}');
      socket.close(pick(random, [1000, 1001, 4000, 3999]));
    }
    if (ending === 'terminate') {
      socket.terminate();
      end('client dropped');
    }
  });

const wsOversized = (random, port) =>
  withSocket(port, pick(random, ['/', '/subscribe']), (socket) => {
    const size = LIMITS.maxPayload + randomInt(random, 1, 64 * 1024);
    socket.send(random() < 0.5 ? new Uint8Array(size) : 'x'.repeat(size));
  });

const subscriber = (random, port) =>
  withSocket(port, '/subscribe', (socket, end) => {
    socket.send(randomText(random));
    setTimeout(() => (random() < 0.5 ? socket.close() : (socket.terminate(), end('client dropped'))), randomInt(random, 0, 300));
  });

/** Writes `bytes` on a raw TCP connection and resolves to what the server did: answered (with the status line's code), closed, or nothing. */
function rawExchange(port, chunks, { hangUp = false } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer ? label(answer) : 'no answer');
    }, CASE_TIMEOUT_MS);
    const done = (outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (hangUp) done('client dropped');
    });
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (/^HTTP\/1\.1 \d{3}/.test(answer) && !answer.startsWith('HTTP/1.1 101')) done(label(answer));
    });
    socket.on('end', () => done(answer ? label(answer) : 'closed by server'));
    socket.on('error', () => done(answer ? label(answer) : 'reset by server'));
  });
}

function label(answer) {
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
  return status === '101' ? 'ws upgraded, then closed' : status ? `http ${status}` : 'garbage answer';
}

const HANDSHAKE = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** A WebSocket handshake, then frame bytes that are cut off, unmasked, of reserved opcodes or claiming lengths they lack. */
const wsRawFrames = (random, port) => {
  const frame = concat([Uint8Array.from([randomInt(random, 0, 255), pick(random, [0x80 | randomInt(random, 0, 125), 0xfe, 0xff, randomInt(random, 0, 255)])]), randomBytes(random, 64)]);
  return rawExchange(port, [HANDSHAKE, frame], { hangUp: random() < 0.5 });
};

function uploadBody(random, seeds) {
  const kind = pick(random, ['audio', 'audio', 'random', 'form', 'form-broken']);
  const audio = mutate(random, pick(random, seeds)).subarray(0, 32 * 1024);
  if (kind === 'audio') return { body: audio, type: pick(random, [undefined, 'audio/wav', 'application/octet-stream']) };
  if (kind === 'random') return { body: randomBytes(random, 4096), type: undefined };
  const boundary = `fuzz${randomInt(random, 0, 1e6)}`;
  const form = `--${boundary}\r\nContent-Disposition: form-data; name="${pick(random, ['file', 'audio', ''])}"; filename="x.wav"\r\n\r\n`;
  const parts = [Buffer.from(form), audio, Buffer.from(`\r\n--${boundary}--\r\n`)];
  const body = concat(parts);
  if (kind === 'form') return { body, type: `multipart/form-data; boundary=${boundary}` };
  return { body: body.subarray(0, randomInt(random, 0, body.length)), type: `multipart/form-data; boundary=${pick(random, [boundary, '', '"', 'x'.repeat(200)])}` };
}

/** POST /transcribe with a mutated, random or multipart body; sometimes cut short, or stating a length it does not send. */
const upload = (random, port, seeds) => {
  const { body, type } = uploadBody(random, seeds);
  const stated = pick(random, ['exact', 'exact', 'more', 'huge', 'chunked']);
  const length = stated === 'exact' ? body.length : stated === 'more' ? body.length + randomInt(random, 1, 1000) : LIMITS.maxUploadBytes + randomInt(random, 1, 1e6);
  const headers = [`POST /transcribe HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', type && `Content-Type: ${type}`,
    stated === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`].filter(Boolean).join('\r\n') + '\r\n\r\n';
  const payload = stated === 'chunked' ? chunked(random, body) : body;
  return rawExchange(port, [headers, payload], { hangUp: stated === 'more' && random() < 0.5 });
};

/** A chunked body, sometimes with a broken chunk size or no final chunk. */
function chunked(random, body) {
  const size = random() < 0.1 ? 'zz' : body.length.toString(16);
  const end = random() < 0.2 ? '' : '0\r\n\r\n';
  return concat([Buffer.from(`${size}\r\n`), body, Buffer.from(`\r\n${end}`)]);
}

/** Streams more than the upload limit, in pieces, without stating a length. */
const uploadStreamedTooLarge = (random, port) => {
  const piece = new Uint8Array(16 * 1024);
  const pieces = Math.ceil(LIMITS.maxUploadBytes / piece.length) + randomInt(random, 1, 4);
  const head = 'POST /transcribe HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n';
  const chunk = concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  return rawExchange(port, [head, ...Array(pieces).fill(chunk), '0\r\n\r\n']);
};

/** Request lines, headers and bytes that are not quite HTTP. */
const httpGarbage = (random, port) => {
  const requests = [
    () => randomBytes(random, 2000),
    () => `${pick(random, ['GET', 'PUT', 'DELETE', 'OPTIONS', 'BREW', ''])} ${pick(random, ['/', '/transcribe', '/subscribe', '/nope', '/%00', '/' + 'a'.repeat(9000)])} HTTP/1.1\r\nHost: x\r\n\r\n`,
    () => `GET / HTTP/1.1\r\n${'X-A: b\r\n'.repeat(randomInt(random, 1, 3000))}\r\n`,
    () => `GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: ${pick(random, ['13', '8', 'x'])}\r\n\r\n`,
    () => 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n',
  ];
  return rawExchange(port, [pick(random, requests)()], { hangUp: random() < 0.3 });
};

const CASES = [
  [wsMessages, 30], [wsOversized, 5], [subscriber, 3], [wsRawFrames, 12],
  [upload, 30], [uploadStreamedTooLarge, 1], [httpGarbage, 19],
];

function pickCase(random) {
  let r = random() * CASES.reduce((n, [, weight]) => n + weight, 0);
  for (const [run, weight] of CASES) if ((r -= weight) < 0) return run;
  return CASES[0][0];
}

/**
 * Sends `cases` fuzz cases, `concurrency` at a time, while `sessions` well-formed sessions run in a
 * loop beside them. RSS is measured (after full GCs) once a warm-up of `warmup` cases with another
 * seed, sessions beside them too, has run: the first sessions and uploads at that concurrency grow
 * onnxruntime's and the allocator's arenas, which later ones reuse. Then every `sampleEvery` cases,
 * and at the end. Resolves to the figures: outcome histogram, well-formed sessions run and right,
 * the memory samples, whether the server stayed up, and how many sessions /subscribe still lists as
 * live once every client has gone (0 unless one leaked).
 */
export async function fuzzServer({ seed = 1, cases = 10_000, warmup = 1000, concurrency = 16, sessions = 2, lm = false, seeds, sampleEvery = 1000, onProgress = () => {} } = {}) {
  const server = await startServer({ lm });
  try {
    const expected = await wellFormedSession(server.port);
    const phase = (plannedCases, onDone) => runPhase(server, plannedCases, { concurrency, sessions, seeds, expected, onDone });
    await phase(plan(seed + 1, warmup), () => {});
    const memory = [{ cases: 0, ...(await server.memory()) }];
    const started = performance.now();
    const { outcomes, wellFormed } = await phase(plan(seed, cases), (done) => {
      onProgress(done);
      if (done % sampleEvery === 0 && done < cases) void server.memory().then((m) => memory.push({ cases: done, ...m }));
    });
    const seconds = (performance.now() - started) / 1000;
    const serverUp = server.alive();
    if (serverUp) memory.push({ cases, ...(await server.memory()) });
    const stillLive = serverUp ? await liveSessions(server.port) : NaN;
    return { cases, seconds, outcomes, expected, wellFormed, serverUp, memory, stillLive, serverStderr: server.stderr() };
  } finally {
    await server.stop();
  }
}

/** Runs the planned cases with well-formed sessions in a loop beside them, until the cases are done. */
async function runPhase(server, plannedCases, { concurrency, sessions, seeds, expected, onDone }) {
  const wellFormed = { run: 0, right: 0, wrong: [] };
  let fuzzing = true;
  const sessionLoop = async () => {
    while (fuzzing && server.alive()) {
      const text = await wellFormedSession(server.port).catch((e) => `(failed: ${e.message})`);
      wellFormed.run++;
      if (text === expected) wellFormed.right++;
      else wellFormed.wrong.push(text);
    }
  };
  const loops = Array.from({ length: sessions }, sessionLoop);
  const outcomes = await runCases(server, plannedCases, concurrency, seeds, onDone);
  fuzzing = false;
  await Promise.all(loops);
  return { outcomes, wellFormed };
}

/** The sessions /subscribe lists as live: it sends a new subscriber a session-start for each. */
function liveSessions(port) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/subscribe`);
    let live = 0;
    socket.on('message', (data) => (live += JSON.parse(String(data)).type === 'session-start' ? 1 : 0));
    socket.on('open', () => setTimeout(() => socket.close(), 500));
    socket.on('close', () => resolve(live));
    socket.on('error', reject);
  });
}

function plan(seed, cases) {
  const random = seededRandom(seed);
  return Array.from({ length: cases }, () => ({ run: pickCase(random), seed: Math.floor(random() * 2 ** 32) }));
}

/** Runs the planned cases `concurrency` at a time; resolves to the outcome histogram. */
async function runCases(server, cases, concurrency, seeds, onDone) {
  const outcomes = {};
  let next = 0;
  let done = 0;
  const loop = async () => {
    while (next < cases.length && server.alive()) {
      const { run, seed } = cases[next++];
      const key = `${run.name}: ${await run(seededRandom(seed), server.port, seeds)}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return outcomes;
}
