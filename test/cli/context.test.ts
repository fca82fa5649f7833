import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers.js';
import { STOP, TWELVE_THIRTY_THREE } from '../intent/helpers.js';
import { fakeRecorderDir } from './recorders.js';

const run = promisify(execFile);
const CLOCK = path.join(ROOT, 'test', 'fixtures', 'clock.hassil.yml');
const CLOCK_RHINO = path.join(ROOT, 'test', 'fixtures', 'clock.rhino.yml');

/** An AN4 recording as a 16 kHz WAV, for the fake recorder. */
function wavOf(opus: string, dir: string): string {
  const wav = path.join(dir, path.basename(opus).replace('.opus', '.wav'));
  execFileSync('opusdec', ['--quiet', '--rate', '16000', opus, wav]);
  return wav;
}

describe('earshot transcribe --context', () => {
  it('adds each file\'s intent to jsonl and json output', async () => {
    const { stdout } = await run('node', [CLI, 'transcribe', TWELVE_THIRTY_THREE, '--context', CLOCK, '--threads', '1']);
    const line = JSON.parse(stdout) as { text: string; intent: unknown };
    expect(line.text).toBe('twelve thirty three');
    expect(line.intent).toMatchObject({ name: 'SetTime', slots: { hours: 12, minutes: 33 }, confidence: expect.any(Number) });

    const out = mkdtempSync(path.join(os.tmpdir(), 'earshot-context-'));
    await run('node', [CLI, 'transcribe', STOP, '--context', CLOCK_RHINO, '--format', 'json', '--out', out, '--threads', '1']);
    const json = JSON.parse(readFileSync(path.join(out, 'an440-mjgm-b.json'), 'utf8')) as { intent: unknown; segments: { intent: unknown }[] };
    expect(json.intent).toMatchObject({ name: 'control', slots: { command: 'stop' } });
    expect(json.segments[0]!.intent).toEqual(json.intent);
  });

  it('reports a broken context file by file, line and reason, and transcribes nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-context-'));
    const bad = path.join(dir, 'home.yml');
    writeFileSync(bad, 'intents:\n  TurnOn:\n    data:\n      - sentences:\n          - "turn on (the|a lights"\n');
    const failure = await run('node', [CLI, 'transcribe', STOP, '--context', bad]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2, stdout: '' });
    expect((failure as { stderr: string }).stderr).toContain(`${bad}:5: template "turn on (the|a lights": '(' is not closed at column 9`);
  });
});

describe('earshot listen --context', () => {
  it('prints each final\'s intent: the object with --json, a line of its own without', async () => {
    const bin = await fakeRecorderDir();
    const play = `${wavOf(TWELVE_THIRTY_THREE, bin)},silence:2`;
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_RECORDER_PLAY: play, FAKE_RECORDER_SPEED: '4' };
    const listen = async (args: string[], ready: (out: string) => boolean): Promise<string> => {
      const child = spawn(process.execPath, [CLI, 'listen', '--context', CLOCK, ...args], { env });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (ready(out)) child.kill('SIGINT');
      });
      await new Promise((resolve) => child.on('close', resolve));
      return out;
    };
    const json = await listen(['--json'], (out) => out.includes('"intent"'));
    const final = json.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text?: string; intent?: unknown }).find((l) => l.intent);
    expect(final).toMatchObject({ text: 'twelve thirty three', intent: { name: 'SetTime', slots: { hours: 12, minutes: 33 } } });
    const plain = await listen([], (out) => out.includes('->'));
    expect(plain).toMatch(/^twelve thirty three\n {2}-> SetTime \{"hours":12,"minutes":33\} \([\d.]+\)\n/);
  });
});
