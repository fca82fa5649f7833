// The browser build against the Node build, on the same dev-set clips:
// - download: each file the in-browser mode fetches (bundle, onnxruntime-web's runtime, model, LM),
//   raw and gzipped as earshot serve sends it;
// - load: Model.load from a loopback static server, cold (no cache) and warm (from the Cache API);
// - first words: with the audio fed in real time, from the first piece to the first partial's words;
// - real-time factor, one thread each side: time and CPU per second of audio (the pass with the least
//   CPU of --repeat alternating ones), the browser's CPU read from its processes' /proc stat, and
//   whether both sides' finals are the same;
// - with --lm FILE (a binary LM, e.g. a pruned one), both sides decode with that LM instead of the
//   model's lm.bin, and the download counts it in its place.
//
//   npm run build && npm run build:web && node bench/web.mjs [--clips 12] [--repeat 3] [--lm FILE]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { decodeAudioFile } from '../dist/audio/index.js';
import { Model } from '../dist/recognizer/index.js';
import { addCounts, countErrors, errorRates, NO_ERRORS } from '../dist/text/error-rate.js';
import { normalizeText } from '../dist/text/normalize.js';
import { argValue, DEV_SETS, prepareSet, ROOT, table } from './common.mjs';

const WEB = path.join(ROOT, 'dist', 'web');
const HARNESS = path.join(ROOT, 'test', 'browser');
const clips = Number(argValue('--clips', 12));
const lmFile = argValue('--lm', undefined);
const repeat = Number(argValue('--repeat', 3));
const PIECE = 1600;

// Download sizes.
const files = ['earshot.js', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'model/model.json', 'model/model.onnx', 'model/lm.bin'];
const sizes = files.map((file) => sizesOf(file, readFileSync(file === 'model/lm.bin' && lmFile ? lmFile : path.join(WEB, file))));
const total = sizes.reduce((sum, row) => ({ file: 'total', raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip }), { raw: 0, gzip: 0 });
const mb = (bytes) => (bytes / 1e6).toFixed(2);
console.log(`\nDownload (MB)${lmFile ? `, ${lmFile} as the LM` : ''}:`);
console.log(table(['file', 'raw', 'gzip'], [...sizes, total].map((r) => [r.file, mb(r.raw), mb(r.gzip)])));

// Clips: evenly spaced through each dev set.
const sets = DEV_SETS.map((spec) => prepareSet(spec, Math.ceil(clips / DEV_SETS.length)));
const utterances = sets.flatMap((set) => set.utterances.map((u) => ({ ...u, set: set.name })));
for (const u of utterances) u.samples = await decodeAudioFile(u.wav);
const audioSeconds = utterances.reduce((sum, u) => sum + u.samples.length / 16000, 0);

// Node: one thread, the same loop as the harness page.
const nodeModel = await Model.load(undefined, { threads: 1, ...(lmFile ? { lm: lmFile } : {}) });
await recogniseInNode(nodeModel, utterances[0].samples);
const runNode = async () => {
  const started = { cpu: process.cpuUsage(), wall: performance.now() };
  const finals = [];
  for (const u of utterances) finals.push(finalText(await recogniseInNode(nodeModel, u.samples)));
  return { finals, cpu: cpuSince(started.cpu), wall: (performance.now() - started.wall) / 1000 };
};

// The browser: the static build and the test harness on a loopback static server.
const server = await staticServer();
// The marker finds the browser's main process in /proc; its renderer and GPU processes are its descendants.
const MARKER = `--earshot-bench=${process.pid}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', MARKER] });
const page = await browser.newPage();
page.on('pageerror', (error) => console.error('page error:', error));
await page.goto(`${server.url}harness.html`);
await page.waitForFunction(() => 'recognise' in window);
const loadOptions = { threads: 1, ...(lmFile ? { lm: '/bench-lm.bin' } : {}) };
const coldMs = await page.evaluate(([options]) => window.loadModel('model/', options), [loadOptions]);
const warmMs = await page.evaluate(([options]) => window.loadModel('model/', options), [loadOptions]);
const warmUp = await page.evaluate(([s]) => window.recognise('model/', s, { realTime: true }), [Array.from(utterances[0].samples)]);
// The clips go to the page before the clock starts, so that only recognition is timed.
await page.evaluate(([clips]) => (window.clips = clips.map((c) => Float32Array.from(c))), [utterances.map((u) => Array.from(u.samples))]);
const runBrowser = async () => {
  const cpu = browserCpuSeconds();
  const started = performance.now();
  const results = await page.evaluate(async () => {
    const all = [];
    for (const clip of window.clips) all.push((await window.recognise('model/', clip)).results);
    return all;
  });
  return { finals: results.map(finalText), cpu: browserCpuSeconds() - cpu, wall: (performance.now() - started) / 1000 };
};

// Alternating passes; the least CPU of each side is the one least disturbed by the machine's other work.
const passes = { node: [], browser: [] };
for (let i = 0; i < repeat; i++) {
  passes.node.push(await runNode());
  passes.browser.push(await runBrowser());
}
const best = (runs) => runs.reduce((a, b) => (b.cpu < a.cpu ? b : a));
const node = best(passes.node);
const inBrowser = best(passes.browser);
await browser.close();
server.close();
await nodeModel.release();

console.log(`\n${utterances.length} clips, ${audioSeconds.toFixed(1)} s of audio, one thread each side, ${repeat} passes each:`);
console.log(
  table(
    ['', 'Node (onnxruntime-node)', 'Chromium (onnxruntime-web, WASM SIMD)'],
    [
      ['load, cold (ms)', '', coldMs.toFixed(0)],
      ['load, warm from the Cache API (ms)', '', warmMs.toFixed(0)],
      ['first words, fed in real time (ms)', '', warmUp.firstWordsMs?.toFixed(0) ?? 'none'],
      ['wall time / audio time', (node.wall / audioSeconds).toFixed(3), (inBrowser.wall / audioSeconds).toFixed(3)],
      ['CPU time / audio time', (node.cpu / audioSeconds).toFixed(3), (inBrowser.cpu / audioSeconds).toFixed(3)],
      ['WER of the finals (%)', wer(node.finals).toFixed(2), wer(inBrowser.finals).toFixed(2)],
    ],
  ),
);
const same = inBrowser.finals.filter((text, i) => text === node.finals[i]).length;
console.log(`browser CPU / Node CPU: ${(inBrowser.cpu / node.cpu).toFixed(2)}x (least of ${repeat} passes each: ${passes.browser.map((r) => r.cpu.toFixed(1)).join(', ')} s against ${passes.node.map((r) => r.cpu.toFixed(1)).join(', ')} s); finals the same on ${same} of ${utterances.length} clips`);

function sizesOf(file, bytes) {
  return { file, raw: bytes.length, gzip: gzipSync(bytes).length };
}

async function recogniseInNode(model, samples) {
  const stream = model.createStream();
  const results = [];
  for (let i = 0; i < samples.length; i += PIECE) {
    if (await stream.acceptWaveform(samples.subarray(i, i + PIECE))) while (stream.pendingFinals() > 0) results.push(stream.result());
    else results.push(stream.partialResult());
  }
  results.push(await stream.finalResult());
  return results;
}

function finalText(results) {
  return results
    .filter((r) => r.text !== undefined)
    .map((r) => r.text)
    .filter(Boolean)
    .join(' ');
}

function wer(finals) {
  const counts = finals.reduce((sum, text, i) => addCounts(sum, countErrors(normalizeText(text), utterances[i].reference)), NO_ERRORS);
  return errorRates(counts).wer;
}

function cpuSince(start) {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

/** User + system seconds of the browser's processes (the launched one and all its descendants). */
function browserCpuSeconds() {
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((pid) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        const main = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(MARKER);
        return { pid: Number(pid), ppid: Number(fields[1]), main, seconds: (Number(fields[11]) + Number(fields[12])) / ticks };
      } catch {
        return undefined;
      }
    })
    .filter(Boolean);
  const family = new Set(stats.filter((s) => s.main).map((s) => s.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) if (!family.has(s.pid) && family.has(s.ppid)) grew = family.add(s.pid) !== undefined;
  }
  return stats.filter((s) => family.has(s.pid)).reduce((sum, s) => sum + s.seconds, 0);
}

/** dist/web and the test harness, as a plain static host serves them, with --lm's file at /bench-lm.bin. */
function staticServer() {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
  const server = createServer(async (request, response) => {
    const pathname = new URL(request.url, 'http://localhost').pathname;
    const file =
      pathname === '/bench-lm.bin' ? lmFile : pathname.startsWith('/harness.') ? path.join(HARNESS, pathname.slice(1)) : path.join(WEB, path.normalize(pathname));
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })));
}
