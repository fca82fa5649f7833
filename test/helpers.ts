import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '../src/audio/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLES_DIR = path.join(ROOT, 'audio-samples');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
/** A WAV cut off inside its format chunk, for the batch commands' corrupt-file cases. */
export const CORRUPT_WAV = Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00');

/** Whether a command-line tool is installed (it runs with `--version`). */
export const hasTool = (tool: string): boolean => !spawnSync(tool, ['--version']).error;

/** A bundled clip's 16 kHz samples. */
export function loadSample(name: string): Float32Array {
  const file = path.join(SAMPLES_DIR, name);
  return decodeWav(readFileSync(file), file).samples;
}

/** Deterministic pseudo-random numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
