import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../../src/features/index.js';
import { CLI, loadSample, SAMPLES_DIR } from '../helpers.js';

const run = promisify(execFile);

function readNpyFloat16(file: string): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header)!.slice(1).map(Number);
  const halves = new Uint16Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length));
  return { shape, data: Float32Array.from(halves, halfToFloat) };
}

function halfToFloat(h: number): number {
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

describe('earshot features', () => {
  it('writes float16 .npy features and an index from a manifest, reports bad files, and resumes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-features-'));
    const corrupt = path.join(dir, 'corrupt.wav');
    writeFileSync(corrupt, 'RIFF\x10\x00\x00\x00WAVEjunkjunk');
    const manifest = path.join(dir, 'manifest.tsv');
    writeFileSync(
      manifest,
      [
        'audio\ttext\tspeaker\tsplit\tseconds',
        `${path.join(SAMPLES_DIR, 'cathy-arctic_a0040.wav')}\tI suppose you wonder why she is coming up here.\tcathy\ttrain\t2.5`,
        `${path.join(SAMPLES_DIR, 'ljspeech-LJ001-0011.wav')}\tIt is of the first importance\tlj\tdev\t3.3`,
        `corrupt.wav\tnothing\tx\ttrain\t1`,
      ].join('\n') + '\n',
    );
    const out = path.join(dir, 'out');
    const first = await run('node', [CLI, 'features', manifest, '--split', 'train', '--out', out, '--threads', '2']).catch((e) => e);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('corrupt.wav');

    const index = readFileSync(path.join(out, 'index.tsv'), 'utf8').trim().split('\n');
    expect(index[0]).toBe('features\tframes\tseconds\ttext\tspeaker\tsplit\taudio');
    expect(index).toHaveLength(2);
    const [features, frames, , text] = index[1].split('\t');
    expect(text).toBe('i suppose you wonder why she is coming up here');
    const npy = readNpyFloat16(path.join(out, features));
    const expected = computeFeatures(loadSample('cathy-arctic_a0040.wav'));
    expect(npy.shape).toEqual([expected.frames, 40]);
    expect(Number(frames)).toBe(expected.frames);
    let worst = 0;
    npy.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected.data[i]) / Math.max(1, Math.abs(expected.data[i])))));
    expect(worst).toBeLessThan(2e-3);
    expect(JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')).hop).toBe(160);

    writeFileSync(corrupt, '');
    const second = await run('node', [CLI, 'features', manifest, '--split', 'train', '--out', out]).catch((e) => e);
    expect(second.stderr).toMatch(/features 1\/1 files/);
    expect(readFileSync(path.join(out, 'index.tsv'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
