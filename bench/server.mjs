// `earshot serve` under load, with real WebSocket clients on 127.0.0.1 speaking the vosk protocol:
// - concurrency: N clients each stream dev-set speech in real time (100 ms frames); the median
//   latency from a word's last sample being sent to the word showing in that client's partials,
//   over the final's words that a partial showed (the share is reported; the rest only came with
//   the final);
// - memory: server RSS idle, after N streams have run on open connections (per stream), and along
//   the sequential sessions (RSS rises for the first few hundred while V8's heap and onnxruntime's
//   arena grow, then settles; run --sessions 3000 to see the plateau);
// - the peer: pocketsphinx_continuous's CPU on the same audio, as streams per core.
//
//   npm run build && node bench/server.mjs [--streams 4,8,16,24] [--sessions 1000]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { concatArrays } from '../dist/audio/concat.js';
import { decodeAudioFile } from '../dist/audio/index.js';
import { argValue, DEV_SETS, EARSHOT, measure, prepareSet, ROOT, table } from './common.mjs';

const PORT = 27130;
const FRAME = 1600;
const streamCounts = argValue('--streams', '4,8,16,24').split(',').map(Number);
const sequential = Number(argValue('--sessions', 1000));

const set = prepareSet(DEV_SETS[1], 6);
const pieces = await Promise.all(set.utterances.map((u) => decodeAudioFile(u.wav)));
const silence = new Float32Array(16000);
const speech = concatArrays(Float32Array, pieces.flatMap((p) => [p, silence]));
const pcm = Int16Array.from(speech, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32767))));

const server = spawn('node', [EARSHOT, 'serve', '--port', String(PORT), '--max-sessions', '64', '--idle-timeout', '600'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
await new Promise((resolve) => server.stderr.once('data', resolve));
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;

const rows = [];
const idle = rssMb();
for (const n of streamCounts) {
  const clients = await Promise.all(Array.from({ length: n }, () => connect()));
  const timed = await Promise.all(clients.map((ws, i) => streamRealTime(ws, i * 37)));
  const latencies = timed.flatMap((t) => t.latencies).sort((a, b) => a - b);
  const words = timed.reduce((sum, t) => sum + t.words, 0);
  const open = rssMb();
  clients.forEach((ws) => ws.close());
  rows.push([n, median(latencies).toFixed(0), percentile(latencies, 0.9).toFixed(0), `${latencies.length}/${words}`, ((open - idle) / n).toFixed(1)]);
  process.stderr.write(`${n} streams: median latency ${median(latencies).toFixed(0)} ms\n`);
}
console.log(table(['streams', 'median word latency ms', 'p90 ms', 'words in partials / in finals', 'RSS per open stream MB'], rows));

const short = pcm.subarray(0, 8000);
const rss = {};
for (let i = 1; i <= sequential; i++) {
  await shortSession(short);
  if ([10, 100, 250, 500, 750].includes(i) || i % 1000 === 0 || i === sequential) rss[i] = rssMb();
}
console.log(`\nserver RSS: idle ${idle.toFixed(0)} MB; after N sequential sessions: ${Object.entries(rss).map(([n, mb]) => `${n}: ${mb.toFixed(0)} MB`).join(', ')}`);
server.kill('SIGINT');

const sphinx = await measure('sh', ['-c', set.utterances.map((u) => `pocketsphinx_continuous -infile ${u.wav} >/dev/null 2>&1`).join('; ')]);
const seconds = set.utterances.reduce((s, u) => s + u.seconds, 0);
console.log(`pocketsphinx_continuous on the same clips: ${(sphinx.cpu / seconds).toFixed(3)} CPU s per audio s, so at most ${(seconds / sphinx.cpu).toFixed(1)} real-time streams per core`);

function connect() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${PORT}/`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends the speech in 100 ms frames at real-time pace; returns word latencies in ms and the finals' word count. */
function streamRealTime(ws, delayMs) {
  return new Promise((resolve) => {
    const replies = [];
    let start = 0;
    let sent = 0;
    ws.on('message', (data) => {
      replies.push({ at: performance.now(), reply: JSON.parse(data.toString()) });
      if (replies.at(-1).reply.text !== undefined && sent * FRAME >= pcm.length) resolve(wordLatencies(replies, start));
    });
    ws.send(JSON.stringify({ config: { sample_rate: 16000, words: true } }));
    setTimeout(() => {
      start = performance.now();
      const tick = () => {
        if (sent * FRAME >= pcm.length) return ws.send('{"eof": 1}');
        ws.send(pcm.subarray(sent * FRAME, (sent + 1) * FRAME));
        sent++;
        setTimeout(tick, start + sent * 100 - performance.now());
      };
      tick();
    }, delayMs);
  });
}

/**
 * For each word of each final: the first partial since the previous final, sent no earlier than the
 * word's last sample, that has the word at that position, minus the wall time that sample was sent.
 */
function wordLatencies(replies, start) {
  const latencies = [];
  let words = 0;
  let utterance = [];
  for (const entry of replies) {
    if (entry.reply.text === undefined) {
      utterance.push({ at: entry.at, words: (entry.reply.partial ?? '').split(' ') });
      continue;
    }
    (entry.reply.result ?? []).forEach((word, i) => {
      const sent = start + word.end * 1000;
      const shown = utterance.find((p) => p.at >= sent - 30 && p.words[i] === word.word);
      if (shown) latencies.push(shown.at - sent);
      words++;
    });
    utterance = [];
  }
  return { latencies, words };
}

async function shortSession(audio) {
  const ws = await connect();
  await new Promise((resolve) => {
    ws.on('message', (data) => {
      if (JSON.parse(data.toString()).text !== undefined) ws.close();
    });
    ws.on('close', resolve);
    ws.send(audio);
    ws.send('{"eof": 1}');
  });
}

function median(values) {
  return percentile(values, 0.5);
}

function percentile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}
