import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/text/normalize.js';
import { CLI, CORRUPT_WAV, SAMPLES_DIR } from '../helpers.js';
import { expectWordErrorRateAtMost } from '../accuracy.js';

const run = promisify(execFile);
const clips = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.wav')).sort();
const reference = (clip: string): string => normalizeText(readFileSync(path.join(SAMPLES_DIR, clip.replace('.wav', '.txt')), 'utf8'));

interface Report {
  sets: { set: string; utterances: number; words: number; wer: number; cer: number }[];
  overall: { utterances: number; wer: number };
  worst: { file: string; wer: number; reference: string; hypothesis: string }[];
  failed: string[];
}

/** `earshot eval ... --json`, with its exit code: 1 when some file failed. */
async function evaluate(args: string[]): Promise<{ code: number; report: Report }> {
  const outcome = await run('node', [CLI, 'eval', ...args, '--json']).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: outcome.code, report: JSON.parse(outcome.stdout) as Report };
}

describe('earshot eval', () => {
  it('scores a folder of audio with a .txt reference beside each file, listing the worst utterances', async () => {
    const { code, report } = await evaluate([SAMPLES_DIR]);
    expect(code).toBe(0);
    expect(report.sets).toHaveLength(1);
    expect(report.sets[0].utterances).toBe(clips.length);
    expect(report.sets[0].words).toBe(clips.reduce((n, clip) => n + reference(clip).split(' ').length, 0));
    expectWordErrorRateAtMost(report.overall.wer / 100, 0.35);
    expect(report.worst).toHaveLength(clips.length);
    for (const w of report.worst) expect(w.reference).toBe(reference(path.basename(w.file)));
  });

  it('reads a manifest: --split keeps those rows, --limit caps each set, and a file that fails is reported while the rest are scored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-eval-'));
    clips.forEach((clip) => copyFileSync(path.join(SAMPLES_DIR, clip), path.join(dir, clip)));
    writeFileSync(path.join(dir, 'broken.wav'), CORRUPT_WAV);
    const rows = [[clips[0], 'train'], [clips[1], 'test'], [clips[2], 'test'], ['broken.wav', 'test']]
      .map(([file, split]) => `${file}\t${file === 'broken.wav' ? 'nothing' : reference(file)}\tspeaker\t${split}\t3`);
    const manifest = path.join(dir, 'manifest.tsv');
    writeFileSync(manifest, ['audio\ttext\tspeaker\tsplit\tseconds', ...rows].join('\n') + '\n');

    const { code, report } = await evaluate([manifest, '--split', 'test']);
    expect(code).toBe(1);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toContain('broken.wav');
    expect(report.sets).toEqual([expect.objectContaining({ set: `${path.basename(dir)} test`, utterances: 2 })]);

    const limited = await evaluate([manifest, '--split', 'test', '--limit', '1']);
    expect(limited.code).toBe(0);
    expect(limited.report.sets[0].utterances).toBe(1);
    expect(path.basename(limited.report.worst[0].file)).toBe(clips[1]);
  });

  it('rejects a bad option before decoding anything', async () => {
    const { code, stderr } = await run('node', [CLI, 'eval', SAMPLES_DIR, '--worst', '0']).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/--worst must be a positive integer, got '0'/);
    expect(stderr).not.toMatch(/eval 1\//);
  });
});
