// Soak: N real-time vosk streams against one `earshot serve` for M minutes. Each stream sends a
// bundled clip in 100 ms frames at the pace of real time, then eof, checks that its finals are the
// clip's (as transcribed once before the soak, alone), and reconnects with the next clip. Every 30 s
// it prints the reply latency (frame sent to its reply), the streams' progress and the server's RSS.
// Exits 1 on a wrong final, a session that did not end with 1000, or a server that died.
//   npm run build && node bench/soak.mjs [--minutes 30] [--streams 16] [--no-lm]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { argValue, EARSHOT, ROOT, table } from './common.mjs';

const minutes = Number(argValue('--minutes', 30));
const streams = Number(argValue('--streams', 16));
const FRAME_MS = 100;
const REPORT_MS = 30_000;

const samplesDir = path.join(ROOT, 'audio-samples');
const clips = readdirSync(samplesDir).filter((f) => f.endsWith('.wav')).map((name) => {
  const pcm = readFileSync(path.join(samplesDir, name)).subarray(44);
  const frame = (16000 * 2 * FRAME_MS) / 1000;
  return { name, frames: Array.from({ length: Math.ceil(pcm.length / frame) }, (_, i) => pcm.subarray(i * frame, (i + 1) * frame)) };
});

const serveArgs = [EARSHOT, 'serve', '--port', '0', '--max-sessions', String(streams + 8), '--idle-timeout', '600', ...(process.argv.includes('--no-lm') ? ['--no-lm'] : [])];
const server = spawn('node', serveArgs, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => (serverLog += d));
const serverExit = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
const port = await new Promise((resolve, reject) => {
  server.stderr.on('data', () => {
    const match = /web page at http:\/\/127\.0\.0\.1:(\d+)\//.exec(serverLog);
    if (match) resolve(Number(match[1]));
  });
  void serverExit.then((e) => reject(new Error(`earshot serve exited (${JSON.stringify(e)}): ${serverLog}`)));
});
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** Streams one clip over one connection, paced like real time unless `paced` is false; resolves to its finals' text and the reply latencies. */
function session(clip, paced = true) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    const sentAt = [];
    const latencies = [];
    const finals = [];
    socket.on('open', () => {
      const started = performance.now();
      const sendFrame = (i) => {
        if (i === clip.frames.length) return socket.send('{"eof": 1}');
        sentAt.push(performance.now());
        socket.send(clip.frames[i]);
        setTimeout(() => sendFrame(i + 1), paced ? Math.max(0, started + (i + 1) * FRAME_MS - performance.now()) : 0);
      };
      sendFrame(0);
    });
    socket.on('message', (data) => {
      const reply = JSON.parse(String(data));
      const sent = sentAt.shift();
      if (sent !== undefined) latencies.push(performance.now() - sent);
      if (reply.text) finals.push(reply.text);
      if (reply.error) reject(new Error(reply.error));
    });
    socket.on('close', (code) => (code === 1000 ? resolve({ text: finals.join(' '), latencies }) : reject(new Error(`closed with ${code}`))));
    socket.on('error', reject);
  });
}

const expected = new Map();
for (const clip of clips) expected.set(clip.name, (await session(clip, false)).text);

const totals = { sessions: 0, right: 0, wrong: [], failed: [], audioSeconds: 0 };
let window = [];
const deadline = Date.now() + minutes * 60_000;
const streamLoop = async (k) => {
  await new Promise((resolve) => setTimeout(resolve, (k * FRAME_MS) / streams * 10));
  for (let n = k; Date.now() < deadline; n++) {
    const clip = clips[n % clips.length];
    try {
      const { text, latencies } = await session(clip);
      totals.sessions++;
      totals.audioSeconds += (clip.frames.length * FRAME_MS) / 1000;
      window.push(...latencies);
      if (text === expected.get(clip.name)) totals.right++;
      else totals.wrong.push(`${clip.name}: "${text}"`);
    } catch (error) {
      totals.failed.push(error.message);
    }
  }
};

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const rows = [];
const startedAt = Date.now();
const cpuAtStart = cpuSeconds();
const rssAtStart = rssMb();
const report = () => {
  const sorted = window.sort((a, b) => a - b);
  window = [];
  const row = [((Date.now() - startedAt) / 60_000).toFixed(1), totals.sessions, (totals.audioSeconds / 60).toFixed(1), percentile(sorted, 0.5).toFixed(0), percentile(sorted, 0.9).toFixed(0), percentile(sorted, 0.99).toFixed(0), rssMb().toFixed(0), totals.wrong.length + totals.failed.length];
  rows.push(row);
  process.stderr.write(`${row.join('  ')}\n`);
};
const timer = setInterval(report, REPORT_MS);
process.stderr.write(`soak: ${streams} real-time streams for ${minutes} min, server RSS ${rssAtStart.toFixed(0)} MB at start\nminutes  sessions  audio-min  p50  p90  p99  rss  failures\n`);
await Promise.all(Array.from({ length: streams }, (_, k) => streamLoop(k)));
clearInterval(timer);
report();
const cpuPerAudioSecond = (cpuSeconds() - cpuAtStart) / totals.audioSeconds;
const alive = server.exitCode === null;
console.log(`soak: ${streams} real-time streams for ${minutes} min, ${totals.sessions} sessions, ${(totals.audioSeconds / 60).toFixed(1)} min of audio`);
console.log(table(['minutes', 'sessions', 'audio min', 'reply p50 ms', 'p90 ms', 'p99 ms', 'server RSS MB', 'failures'], rows));
console.log(`finals right: ${totals.right}/${totals.sessions}; sessions failed: ${totals.failed.length}; server RSS ${rssAtStart.toFixed(0)} MB at start, ${rows.at(-1)[6]} MB at end; server CPU ${cpuPerAudioSecond.toFixed(3)} s per audio second; server up: ${alive}`);
for (const line of [...totals.wrong, ...totals.failed].slice(0, 10)) console.log(`  ${line}`);
server.kill('SIGINT');
await serverExit;
process.exitCode = totals.wrong.length + totals.failed.length === 0 && alive ? 0 : 1;
