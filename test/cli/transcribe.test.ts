import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { countErrors } from '../../src/text/error-rate.js';
import { normalizeText } from '../../src/text/normalize.js';
import { CLI, CORRUPT_WAV, hasTool, SAMPLES_DIR } from '../helpers.js';
import { ACCURACY_CHECKED, expectWordErrorRateAtMost } from '../accuracy.js';

const run = promisify(execFile);
const hasFfmpeg = hasTool('ffmpeg');
const clips = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.wav'));

/** Runs the CLI with `input` piped into its standard input. */
function runWithStdin(args: string[], input: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const reference = (clip: string): string => normalizeText(readFileSync(path.join(SAMPLES_DIR, clip.replace('.wav', '.txt')), 'utf8'));

/** A folder tree of the bundled clips, one of them under a subfolder, plus a corrupt WAV. */
function makeInputTree(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-transcribe-'));
  mkdirSync(path.join(dir, 'in', 'sub'), { recursive: true });
  clips.forEach((clip, i) => copyFileSync(path.join(SAMPLES_DIR, clip), path.join(dir, 'in', i === 0 ? 'sub' : '', clip)));
  writeFileSync(path.join(dir, 'in', 'broken.wav'), CORRUPT_WAV);
  return dir;
}

describe('earshot transcribe', () => {
  it('prints one JSON line per file with vosk-style words, and recognises the bundled speech', async () => {
    const { stdout } = await run('node', [CLI, 'transcribe', SAMPLES_DIR]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text: string; result: { word: string; start: number; end: number; conf: number }[]; duration: number });
    expect(lines).toHaveLength(clips.length);
    let errors = 0;
    let words = 0;
    for (const line of lines) {
      const counts = countErrors(normalizeText(line.text), reference(path.basename(line.file)));
      errors += counts.wordErrors;
      words += counts.words;
      expect(line.duration).toBeGreaterThan(2);
      for (const w of line.result) {
        expect(w.end).toBeGreaterThan(w.start);
        expect(w.conf).toBeGreaterThanOrEqual(0);
        expect(w.conf).toBeLessThanOrEqual(1);
      }
      expect(line.result.map((w) => w.word).join(' ')).toBe(line.text);
    }
    expectWordErrorRateAtMost(errors / words, 0.35);
  });

  it('writes every format into --out mirroring the tree, reports a corrupt file, finishes the rest, and resumes', async () => {
    const dir = makeInputTree();
    const out = path.join(dir, 'out');
    const first = await run('node', [CLI, 'transcribe', path.join(dir, 'in'), '--out', out, '--format', 'srt']).catch((e) => e);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/broken\.wav/);
    const errorLine = JSON.parse(first.stdout.trim().split('\n')[0]) as { file: string; error: string };
    expect(errorLine.file).toMatch(/broken\.wav$/);
    expect(errorLine.error).toBeTruthy();
    expect(existsSync(path.join(out, 'sub', clips[0].replace('.wav', '.srt')))).toBe(true);
    const srt = readFileSync(path.join(out, clips[1].replace('.wav', '.srt')), 'utf8');
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n\S/);

    const second = await run('node', [CLI, 'transcribe', path.join(dir, 'in'), '--out', out, '--format', 'srt']).catch((e) => e);
    expect(second.stderr).toMatch(/3 files already done, skipped/);
    expect(second.stdout.trim().split('\n')).toHaveLength(1);

    for (const format of ['txt', 'json', 'vtt']) {
      await run('node', [CLI, 'transcribe', path.join(dir, 'in', clips[1]), '--out', out, '--format', format]);
    }
    expect(readFileSync(path.join(out, clips[1].replace('.wav', '.vtt')), 'utf8')).toMatch(/^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> /);
    expect(JSON.parse(readFileSync(path.join(out, clips[1].replace('.wav', '.json')), 'utf8')).segments.length).toBeGreaterThan(0);
    expect(readFileSync(path.join(out, clips[1].replace('.wav', '.txt')), 'utf8').trim().length).toBeGreaterThan(0);
  });

  it('reports a file whose output cannot be written and writes the others', async () => {
    const dir = makeInputTree();
    const out = path.join(dir, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'sub'), 'a file where the sub folder should go');
    const result = await run('node', [CLI, 'transcribe', path.join(dir, 'in'), '--out', out]).catch((e) => e);
    expect(result.code).toBe(1);
    const errors = result.stdout.trim().split('\n').map((l: string) => JSON.parse(l) as { file: string; error: string });
    expect(errors.map((e: { file: string }) => path.basename(e.file)).sort()).toEqual(['broken.wav', clips[0]].sort());
    expect(errors.find((e: { file: string }) => e.file.endsWith(clips[0]))!.error).toMatch(/cannot write/);
    expect(existsSync(path.join(out, clips[1].replace('.wav', '.txt')))).toBe(true);
  });

  it('restricts output to a grammar', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-grammar-'));
    const grammar = path.join(dir, 'grammar.txt');
    const phrases = ['turn on the lights', 'i suppose you wonder why she is coming up here', '[unk]'];
    writeFileSync(grammar, phrases.join('\n') + '\n');
    const { stdout } = await run('node', [CLI, 'transcribe', path.join(SAMPLES_DIR, 'cathy-arctic_a0040.wav'), '--grammar', grammar]);
    const text = JSON.parse(stdout).text as string;
    expect(phrases).toContain(text);
    if (ACCURACY_CHECKED) expect(text).toBe('i suppose you wonder why she is coming up here');
  });

  it("reads a file piped into '-', such as ffmpeg's WAV of unknown length, alongside named files", async () => {
    const file = path.join(SAMPLES_DIR, clips[0]);
    const piped = readFileSync(file);
    // ffmpeg writing WAV to a pipe cannot go back to fill in the sizes, and leaves them at 0xFFFFFFFF.
    piped.writeUInt32LE(0xffffffff, 4);
    piped.writeUInt32LE(0xffffffff, piped.indexOf('data') + 4);
    const { code, stdout } = await runWithStdin(['transcribe', '-', file], piped);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text: string });
    expect(lines.map((l) => l.file).sort()).toEqual(['-', file].sort());
    expect(lines[0].text).toBe(lines[1].text);

    const junk = await runWithStdin(['transcribe', '-'], Buffer.from('not audio'));
    expect(junk.code).toBe(1);
    const { file: junkFile, error } = JSON.parse(junk.stdout) as { file: string; error: string };
    expect(junkFile).toBe('-');
    expect(error).toMatch(/^standard input: unsupported or unrecognised audio format \(/);
  });

  it.skipIf(!hasFfmpeg)('finds M4A in a folder and transcribes it through ffmpeg like the WAV it came from (ALAC: lossless, so the same text)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-m4a-'));
    const wav = path.join(SAMPLES_DIR, clips[0]);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-i', wav, '-c:a', 'alac', path.join(dir, 'memo.m4a')]);
    const [fromM4a, fromWav] = await Promise.all([run('node', [CLI, 'transcribe', dir, '--no-lm']), run('node', [CLI, 'transcribe', wav, '--no-lm'])]);
    const m4a = JSON.parse(fromM4a.stdout) as { file: string; text: string };
    expect(path.basename(m4a.file)).toBe('memo.m4a');
    expect(m4a.text).toBe((JSON.parse(fromWav.stdout) as { text: string }).text);
  });

  it('writes several formats at once with --out, and a rerun skips only files that have them all', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-formats-'));
    const file = path.join(SAMPLES_DIR, clips[0]);
    const out = path.join(dir, 'out');
    await run('node', [CLI, 'transcribe', file, '--out', out, '--format', 'srt,vtt']);
    expect(readdirSync(out).sort()).toEqual([clips[0].replace('.wav', '.srt'), clips[0].replace('.wav', '.vtt')]);
    const again = await run('node', [CLI, 'transcribe', file, '--out', out, '--format', 'vtt,srt']);
    expect(again.stderr).toMatch(/1 files already done, skipped/);
    const more = await run('node', [CLI, 'transcribe', file, '--out', out, '--format', 'srt,txt']);
    expect(more.stderr).not.toMatch(/already done/);
    expect(readdirSync(out)).toHaveLength(3);
  });

  it('rejects bad options with a usage error', async () => {
    for (const [args, message] of [
      [['--format', 'docx'], /unknown --format 'docx'/],
      [['--format', 'srt,docx', '--out', 'x'], /unknown --format 'docx'/],
      [['--format', 'srt,vtt'], /several --format values need --out/],
      [['--hotword', 'turn on the qzxv'], /not in the model's lexicon: "qzxv"/],
    ] as const) {
      const result = await run('node', [CLI, 'transcribe', SAMPLES_DIR, ...args]).catch((e) => e);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});
