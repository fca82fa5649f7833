// Memory and start-up, earshot against pocketsphinx (Debian's, en-us) on the same audio in the same run:
// - batch: peak RSS and wall time of `earshot transcribe` over dev-set clips with 2 threads, with the
//   LM and with --no-lm, and of pocketsphinx_batch over the same clips;
// - start-up: wall time of `earshot transcribe` of one 3 s clip against `pocketsphinx_continuous
//   -infile` of it, the median of --runs runs each;
// - the LM's load time in this process, from lm.bin and from the ARPA;
// - serve: the server's RSS idle, and per live stream with --streams streams open mid-utterance.
//
//   npm run build && node bench/memory.mjs [--clips 20] [--runs 5] [--streams 8]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { decodeAudioFile } from '../dist/audio/index.js';
import { loadArpa } from '../dist/lm/index.js';
import { DEFAULT_MODEL_DIR, loadModelLanguageModel } from '../dist/recognizer/index.js';
import { argValue, audioSeconds, DEV_SETS, EARSHOT, measure, prepareSet, ROOT, runPocketsphinx, table } from './common.mjs';

const clips = Number(argValue('--clips', 20));
const runs = Number(argValue('--runs', 5));
const streams = Number(argValue('--streams', 8));
const PORT = 27131;
const CLIP = path.join(ROOT, 'audio-samples', 'cathy-arctic_a0074.wav');

const set = prepareSet(DEV_SETS[0], clips);
const wavs = set.utterances.map((u) => u.wav);
const earshot = (args) => measure('node', [EARSHOT, 'transcribe', ...args], { cwd: ROOT });
const rows = [];
for (const [name, run] of [
  ['earshot, LM, 2 threads', () => earshot([...wavs, '--threads', '2'])],
  ['earshot, --no-lm, 2 threads', () => earshot([...wavs, '--threads', '2', '--no-lm'])],
  ['pocketsphinx_batch', () => runPocketsphinx(set)],
]) {
  const result = await run();
  rows.push([name, result.rssMb.toFixed(0), result.wall.toFixed(2), result.cpu.toFixed(2)]);
}
console.log(`batch: ${clips} AN4 test clips, ${audioSeconds(set).toFixed(0)} s of audio`);
console.log(table(['', 'peak RSS MB', 'wall s', 'CPU s'], rows));

const startups = [];
for (const [name, command, args] of [
  ['earshot transcribe', 'node', [EARSHOT, 'transcribe', CLIP]],
  ['pocketsphinx_continuous', 'pocketsphinx_continuous', ['-infile', CLIP]],
]) {
  const measured = [];
  for (let i = 0; i < runs; i++) measured.push(await measure(command, args, { cwd: ROOT }));
  const wall = median(measured.map((m) => m.wall));
  startups.push([name, wall.toFixed(2), median(measured.map((m) => m.cpu)).toFixed(2), median(measured.map((m) => m.rssMb)).toFixed(0)]);
}
console.log(`\nstart-up and one ${(await decodeAudioFile(CLIP)).length / 16000} s clip (${path.basename(CLIP)}), median of ${runs}:`);
console.log(table(['', 'wall s', 'CPU s', 'peak RSS MB'], startups));

const timed = async (load) => {
  const started = performance.now();
  await load();
  return performance.now() - started;
};
const binaryMs = await timed(() => loadModelLanguageModel(DEFAULT_MODEL_DIR));
const arpaMs = await timed(() => loadArpa(path.join(DEFAULT_MODEL_DIR, 'lm.arpa.gz')));
console.log(`\nLM load: ${binaryMs.toFixed(0)} ms through lm.bin (SHA-256 check of lm.arpa.gz included), ${arpaMs.toFixed(0)} ms parsing lm.arpa.gz`);

const server = spawn('node', [EARSHOT, 'serve', '--port', String(PORT), '--max-sessions', '64'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
await new Promise((resolve) => server.stderr.once('data', resolve));
await new Promise((resolve) => setTimeout(resolve, 1000));
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
const idle = rssMb();
const speech = await decodeAudioFile(CLIP);
const pcm = Int16Array.from(speech, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32767))));
const open = await Promise.all(Array.from({ length: streams }, () => openStream(pcm)));
const busy = rssMb();
open.forEach((ws) => ws.close());
server.kill('SIGINT');
console.log(`\nserve: idle ${idle.toFixed(0)} MB; with ${streams} streams open mid-utterance ${busy.toFixed(0)} MB, ${((busy - idle) / streams).toFixed(1)} MB per stream`);

/** A vosk-protocol stream that has been sent the speech in 100 ms frames (each answered) and no end. */
async function openStream(samples) {
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ config: { sample_rate: 16000 } }));
  for (let at = 0; at < samples.length; at += 1600) {
    const answered = new Promise((resolve) => ws.once('message', resolve));
    ws.send(samples.subarray(at, at + 1600));
    await answered;
  }
  return ws;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
