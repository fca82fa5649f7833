import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, SAMPLES_DIR } from '../helpers.js';

const run = promisify(execFile);
const FILES = 5000;
const PATH_LENGTH = 120;

/** A WAV of the first `seconds` of a bundled 16-bit mono clip. */
function shortClip(seconds: number): Buffer {
  const wav = readFileSync(path.join(SAMPLES_DIR, 'cathy-arctic_a0040.wav'));
  const dataAt = wav.indexOf('data') + 8;
  const bytes = Math.min(wav.length - dataAt, seconds * 16000 * 2);
  const out = Buffer.concat([wav.subarray(0, dataAt), wav.subarray(dataAt, dataAt + bytes)]);
  out.writeUInt32LE(out.length - 8, 4);
  out.writeUInt32LE(bytes, dataAt - 4);
  return out;
}

/** FILES links to one short clip, each by an absolute path of PATH_LENGTH characters, and the list of them. */
function makeLongPaths(): { paths: string[]; list: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-files-from-'));
  const clip = path.join(dir, 'clip.wav');
  writeFileSync(clip, shortClip(0.2));
  const paths = Array.from({ length: FILES }, (_, i) => {
    const stem = path.join(dir, `${String(i).padStart(5, '0')}-`);
    return stem + 'x'.repeat(PATH_LENGTH - stem.length - '.wav'.length) + '.wav';
  });
  for (const p of paths) symlinkSync(clip, p);
  const list = path.join(dir, 'files.txt');
  writeFileSync(list, paths.join('\n') + '\n');
  return { paths, list };
}

/** The files of the JSON lines, sorted: the threads finish them in any order. */
function filesIn(stdout: string): string[] {
  return stdout.trim().split('\n').map((line) => {
    const parsed = JSON.parse(line) as { file: string; text?: string; error?: string };
    expect(parsed.error).toBeUndefined();
    return parsed.file;
  }).sort();
}

const TRANSCRIBE = [CLI, 'transcribe', '--format', 'jsonl', '--no-lm', '--threads', '2'];

describe(`${FILES} paths of ${PATH_LENGTH} characters`, () => {
  let paths: string[];
  let list: string;
  beforeAll(() => ({ paths, list } = makeLongPaths()));

  it('go through one command line (onnxruntime\'s telemetry overflowed the stack reading it)', async () => {
    const { stdout } = await run('node', [...TRANSCRIBE, ...paths], { maxBuffer: 64 << 20 });
    expect(filesIn(stdout)).toEqual(paths);
  }, 600_000);

  it('go through xargs, which splits them into several command lines', async () => {
    const { stdout } = await run('sh', ['-c', `xargs -a "$1" -d '\\n' node ${TRANSCRIBE.join(' ')}`, 'sh', list], { maxBuffer: 64 << 20 });
    expect(filesIn(stdout)).toEqual(paths);
  }, 600_000);

  it('go through --files-from, from a file and from standard input', async () => {
    const { stdout } = await run('node', [...TRANSCRIBE, '--files-from', list], { maxBuffer: 64 << 20 });
    expect(filesIn(stdout)).toEqual(paths);
    const piped = await new Promise<string>((resolve, reject) => {
      const child = spawn('node', [...TRANSCRIBE, '--files-from', '-', paths[0]!]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.on('error', reject);
      child.on('close', () => resolve(out));
      child.stdin.end(paths.slice(1, 3).join('\r\n') + '\r\n\r\n');
    });
    expect(filesIn(piped)).toEqual(paths.slice(0, 3));
  }, 600_000);
});
