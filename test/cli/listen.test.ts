import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tail } from '../../src/cli/listen.js';
import { countErrors } from '../../src/text/error-rate.js';
import { normalizeText } from '../../src/text/normalize.js';
import { CLI, SAMPLES_DIR } from '../helpers.js';
import { emptyDir, fakeRecorderDir } from './recorders.js';
import { ACCURACY_CHECKED, expectWordErrorRateAtMost } from '../accuracy.js';

const FIRST = path.join(SAMPLES_DIR, 'cathy-arctic_a0040.wav');
const SECOND = path.join(SAMPLES_DIR, 'cathy-arctic_a0074.wav');

type Line = { partial?: string; text?: string; result?: unknown[] };

/** Runs the built CLI with extra environment variables, collecting its stdout as JSON lines. */
function earshot(args: string[], env: Record<string, string>): { child: ChildProcess; lines: Line[]; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  const lines: Line[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const complete = stdout.split('\n');
    stdout = complete.pop()!;
    lines.push(...complete.map((line) => JSON.parse(line) as Line));
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, exit };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, seconds = 40): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Waits until no line has arrived for `ms` milliseconds: the CLI has caught up with the audio. */
async function quiet(lines: Line[], ms: number): Promise<void> {
  for (let count = -1; count !== lines.length; ) {
    count = lines.length;
    await sleep(ms);
  }
}

function wordErrorRate(hypothesis: string, wav: string): number {
  const reference = normalizeText(readFileSync(wav.replace(/\.wav$/, '.txt'), 'utf8'));
  const counts = countErrors(normalizeText(hypothesis), reference);
  return counts.wordErrors / counts.words;
}

const isFinal = (line: Line): boolean => line.text !== undefined;

describe('earshot listen', () => {
  it('streams partials and finals from the recorder, and Ctrl-C prints the last final and exits 0', async () => {
    const bin = await fakeRecorderDir();
    const done = path.join(bin, 'done');
    const run = earshot(['listen', '--json'], {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      // The first clip ends in silence long enough for an endpoint; the second is cut by Ctrl-C.
      FAKE_RECORDER_PLAY: `${FIRST},silence:2,${SECOND},silence:0.5`,
      FAKE_RECORDER_SPEED: '2',
      FAKE_RECORDER_ARGS: path.join(bin, 'args.json'),
      FAKE_RECORDER_DONE: done,
    });

    await until(() => run.lines.some(isFinal), 'the first final');
    const firstFinal = run.lines.findIndex(isFinal);
    expect(run.lines.slice(0, firstFinal).filter((l) => l.partial).length).toBeGreaterThan(0);
    expectWordErrorRateAtMost(wordErrorRate(run.lines[firstFinal]!.text!, FIRST), 0.5);
    expect(run.lines[firstFinal]!.result!.length).toBeGreaterThan(0);

    await until(() => access(done).then(() => true, () => false), 'the recorder to finish playing');
    await quiet(run.lines, 500);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    const last = run.lines[run.lines.length - 1]!;
    expect(isFinal(last)).toBe(true);
    expectWordErrorRateAtMost(wordErrorRate(last.text!, SECOND), 0.5);

    const repeated = run.lines.filter((l, k) => k > 0 && l.partial !== undefined && l.partial === run.lines[k - 1]!.partial);
    expect(repeated).toEqual([]);
    const args = JSON.parse(await readFile(path.join(bin, 'args.json'), 'utf8')) as string[];
    expect(args.join(' ')).toBe('-q -r 16000 -c 1 -t raw -f S16_LE -');
  });

  it('restricts live results to a --grammar', async () => {
    const bin = await fakeRecorderDir();
    const grammar = path.join(bin, 'grammar.txt');
    const phrases = ['turn on the lights', 'i suppose you wonder why she is coming up here', '[unk]'];
    await writeFile(grammar, phrases.join('\n') + '\n');
    const run = earshot(['listen', '--json', '--grammar', grammar], {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      FAKE_RECORDER_PLAY: `${FIRST},silence:2`,
      FAKE_RECORDER_SPEED: '4',
    });
    await until(() => run.lines.some(isFinal), 'a final');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    const final = run.lines.find(isFinal)!.text!;
    expect(phrases).toContain(final);
    if (ACCURACY_CHECKED) expect(final).toBe(phrases[1]);
  });

  it.each([
    [[], 'sox'],
    [['--recorder', 'arecord'], 'alsa-utils'],
  ])('without a recorder on PATH (%j) names the apt package %s and exits 1', async (args, pkg) => {
    const run = earshot(['listen', ...args], { PATH: await emptyDir() });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain(`apt-get install ${pkg}`);
  });

  it('reports a recorder that exits, with what it said, and exits 1', async () => {
    const bin = await fakeRecorderDir();
    const run = earshot(['listen'], { PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_RECORDER_FAIL: 'audio open error: No such device' });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('arecord exited with code 1: audio open error: No such device');
  });
});

describe('tail', () => {
  it('keeps text that fits and cuts long text from the left behind an ellipsis', () => {
    expect(tail('hello world', 11)).toBe('hello world');
    expect(tail('hello world', 6)).toBe('…world');
    expect(tail('hello world', 6)).toHaveLength(6);
  });
});
