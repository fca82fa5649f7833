// Shared by the bench scripts: dev sets decoded to WAV, measured child processes, pocketsphinx, scoring.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addCounts, countErrors, errorRates, NO_ERRORS } from '../dist/text/error-rate.js';
import { normalizeText } from '../dist/text/normalize.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const EARSHOT = path.join(ROOT, 'dist', 'cli', 'main.js');

/** The dev sets: AN4 test, speechocean762 dev and librispeech-mini dev (broad English). */
export const DEV_SETS = [
  { name: 'an4-test', corpus: 'an4', split: 'test' },
  { name: 'so762-dev', corpus: 'speechocean762', split: 'dev' },
  { name: 'libri-dev', corpus: 'librispeech-mini', split: 'dev' },
];

/** Decodes a dev set's Opus files to 16 kHz WAV under cache/bench (once) and returns its utterances. */
export function prepareSet({ name, corpus, split }, limit = Infinity) {
  const dir = path.join(ROOT, 'cache', 'bench', name);
  mkdirSync(dir, { recursive: true });
  const lines = readFileSync(path.join(SHARED, 'corpora', corpus, 'manifest.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const rows = lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i], v])));
  const inSplit = rows.filter((r) => r.split === split);
  const count = Math.min(limit, inSplit.length);
  // Evenly spaced through the split, which is ordered by speaker, so a sample hears every speaker.
  const utterances = Array.from({ length: count }, (_, i) => inSplit[Math.floor((i * inSplit.length) / count)])
    .map((r) => {
      const id = r.audio.replace(/[/.]/g, '_').replace(/_opus$/, '');
      const wav = path.join(dir, `${id}.wav`);
      if (!existsSync(wav)) execFileSync('opusdec', ['--quiet', '--rate', '16000', path.join(SHARED, 'corpora', corpus, r.audio), wav]);
      return { id, wav, reference: normalizeText(r.text), seconds: Number(r.seconds) };
    });
  return { name, dir, utterances };
}

/** Runs a command under GNU time: its output, CPU seconds (user + system), peak RSS in MB and wall seconds. */
export function measure(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '@@TIME %U %S %M', command, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => {
      const match = /@@TIME ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      if (!match) return reject(new Error(`${command} failed:\n${stderr.slice(-2000)}`));
      resolve({ stdout, stderr, cpu: Number(match[1]) + Number(match[2]), rssMb: Number(match[3]) / 1024, wall: (performance.now() - started) / 1000 });
    });
  });
}

/** pocketsphinx_batch with its en-us acoustic model, default LM and dictionary, on a set's WAVs. */
export async function runPocketsphinx(set) {
  const model = '/usr/share/pocketsphinx/model/en-us';
  const ctl = path.join(set.dir, 'ctl.txt');
  const hyp = path.join(set.dir, 'pocketsphinx.hyp');
  writeFileSync(ctl, set.utterances.map((u) => u.id).join('\n') + '\n');
  const run = await measure('pocketsphinx_batch', [
    '-adcin', 'yes', '-cepdir', set.dir, '-cepext', '.wav', '-ctl', ctl, '-hyp', hyp,
    '-hmm', `${model}/en-us`, '-lm', `${model}/en-us.lm.bin`, '-dict', `${model}/cmudict-en-us.dict`,
  ]);
  const hyps = new Map();
  for (const line of readFileSync(hyp, 'utf8').split('\n')) {
    const m = /^(.*) \((\S+) -?\d+\)$/.exec(line);
    if (m) hyps.set(m[2], m[1]);
  }
  return { ...run, hyps };
}

/** `earshot transcribe` over a set's WAVs; extra args choose decoding. */
export async function runEarshot(set, args) {
  const run = await measure('node', [EARSHOT, 'transcribe', ...set.utterances.map((u) => u.wav), ...args], { cwd: ROOT });
  const hyps = new Map();
  for (const line of run.stdout.split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    hyps.set(path.basename(r.file, '.wav'), r.text ?? '');
  }
  return { ...run, hyps };
}

export function score(set, hyps) {
  const counts = set.utterances.reduce((sum, u) => addCounts(sum, countErrors(normalizeText(hyps.get(u.id) ?? ''), u.reference)), NO_ERRORS);
  return errorRates(counts);
}

export function audioSeconds(set) {
  return set.utterances.reduce((s, u) => s + u.seconds, 0);
}

export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Exits with the Debian packages to install when a command the bench runs is not on PATH. */
export function requireCommands(packagesByCommand) {
  // As test/helpers.ts's hasTool: only a command that cannot be spawned sets `error`.
  const missing = Object.entries(packagesByCommand).filter(([command]) => spawnSync(command, ['--version']).error);
  if (missing.length === 0) return;
  console.error(`missing ${missing.map(([c]) => c).join(', ')}: apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')}`);
  process.exit(2);
}

export function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** White noise of amplitude `level`, the same every run for a given seed. */
export function whiteNoise(length, level, seed) {
  let s = seed;
  return Float32Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return level * (s / 1073741824 - 1);
  });
}
