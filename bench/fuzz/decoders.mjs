// Decoder fuzzing: mutated WAV, FLAC, Ogg Opus, Ogg Vorbis and MP3 files, each decoded in a worker thread
// under a time limit. Every case must give a valid decode (finite samples, maybe a warning) or an
// AudioDecodeError; anything else (another error, invalid output, a hang, a dead thread) is a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mutate, pick, seededRandom } from './mutations.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLIP = path.join(ROOT, 'audio-samples', 'cathy-arctic_a0040.wav');

export const FORMATS = ['wav', 'flac', 'ogg-opus', 'ogg-vorbis', 'mp3'];

/** Valid files of each format, one second of speech each, from sox, opusenc, lame and ffmpeg (tool, arguments; OUT is the output). */
const SEED_RECIPES = {
  wav: [
    ['sox', ['IN', 'OUT.wav']],
    ['sox', ['IN', '-b', '8', '-e', 'unsigned', '-c', '2', '-r', '8000', 'OUT.wav']],
    ['sox', ['IN', '-b', '24', '-r', '48000', 'OUT.wav']],
    ['sox', ['IN', '-b', '32', '-e', 'floating-point', '-c', '2', '-r', '44100', 'OUT.wav']],
    ['sox', ['IN', '-e', 'a-law', 'OUT.wav']],
    ['sox', ['IN', '-c', '4', 'OUT.wav']],
  ],
  flac: [
    ['sox', ['IN', 'OUT.flac']],
    ['sox', ['IN', '-b', '24', '-c', '2', '-r', '44100', 'OUT.flac']],
  ],
  'ogg-opus': [
    ['opusenc', ['--quiet', 'IN', 'OUT.opus']],
    ['opusenc', ['--quiet', '--bitrate', '12', '--downmix-mono', 'IN', 'OUT.opus']],
  ],
  'ogg-vorbis': [
    ['sox', ['IN', 'OUT.ogg']],
    ['sox', ['IN', '-c', '2', '-r', '44100', 'OUT.ogg']],
  ],
  mp3: [
    ['ffmpeg', ['-v', 'quiet', '-i', 'IN', 'OUT.mp3']],
    ['lame', ['--quiet', '-t', 'IN', 'OUT.mp3']],
    ['lame', ['--quiet', '-m', 's', '--resample', '44.1', '--tt', 'fuzz', '--add-id3v2', 'IN', 'OUT.mp3']],
  ],
};

/** Encodes the seed files; needs sox, opusenc, lame and ffmpeg (.ci/install-system installs them). */
export function seedFiles() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-fuzz-'));
  try {
    const input = path.join(dir, 'in.wav');
    execFileSync('sox', [CLIP, input, 'trim', '0.5', '1']);
    return Object.fromEntries(FORMATS.map((format) => [format, SEED_RECIPES[format].map(([tool, args], k) => {
      const out = path.join(dir, `${format}-${k}`);
      execFileSync(tool, args.map((a) => (a === 'IN' ? input : a.replace('OUT', out))), { stdio: 'ignore' });
      return new Uint8Array(readFileSync(out + args.at(-1).slice(3)));
    })]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `casesPerFormat` mutated files of each format. Resolves to per-format figures: counts of
 * each outcome kind, the slowest case in ms, rejection reasons, lines the decoder libraries printed,
 * and the failures.
 */
export async function fuzzDecoders({ seed = 1, casesPerFormat = 1000, timeoutMs = 10_000, seeds = seedFiles() } = {}) {
  const random = seededRandom(seed);
  const cases = FORMATS.flatMap((format) => Array.from({ length: casesPerFormat }, () => ({ format, bytes: mutate(random, pick(random, seeds[format])) })));
  const figures = Object.fromEntries(FORMATS.map((f) => [f, { cases: 0, decoded: 0, warned: 0, rejected: 0, failures: [], slowestMs: 0, reasons: {}, consoleLines: 0 }]));
  const runner = new CaseRunner(timeoutMs);
  try {
    for (const [index, { format, bytes }] of cases.entries()) {
      const { kind, message, ms, consoleLines = 0 } = await runner.run(index, bytes);
      const f = figures[format];
      f.cases++;
      f.consoleLines += consoleLines;
      f.slowestMs = Math.max(f.slowestMs, ms);
      if (kind === 'decoded' || kind === 'warned' || kind === 'rejected') f[kind]++;
      else f.failures.push({ index, kind, message, bytes: bytes.length });
      if (kind === 'rejected') {
        const reason = message.replace(/\d+/g, 'N').slice(0, 70);
        f.reasons[reason] = (f.reasons[reason] ?? 0) + 1;
      }
    }
  } finally {
    await runner.close();
  }
  return figures;
}

/** One decode worker at a time, replaced when a case hangs past the limit or kills it. */
class CaseRunner {
  constructor(timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.worker = undefined;
  }

  run(index, bytes) {
    this.worker ??= new Worker(new URL('./decode-worker.mjs', import.meta.url), { execArgv: [] });
    const worker = this.worker;
    const started = performance.now();
    return new Promise((resolve) => {
      const done = (result) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve({ ...result, ms: performance.now() - started });
      };
      const replace = (result) => {
        this.worker = undefined;
        void worker.terminate();
        done(result);
      };
      const onMessage = (reply) => reply.index === index && done(reply);
      const onError = (error) => replace({ kind: 'crash', message: String(error) });
      const onExit = (code) => replace({ kind: 'crash', message: `worker exited with ${code}` });
      const timer = setTimeout(() => replace({ kind: 'hang', message: `no result in ${this.timeoutMs} ms` }), this.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ index, bytes });
    });
  }

  async close() {
    await this.worker?.terminate();
  }
}
