import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { CLI, SAMPLES_DIR } from '../helpers.js';

it('transcribes a file cut short with a warning in its JSON line and on stderr, and exits 0', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-truncated-'));
  const wav = readFileSync(path.join(SAMPLES_DIR, 'cathy-arctic_a0040.wav'));
  const cut = path.join(dir, 'cut.wav');
  writeFileSync(cut, wav.subarray(0, 44 + 2 * 16000 * 2));
  const whole = path.join(SAMPLES_DIR, 'cathy-arctic_a0040.wav');
  const run = spawnSync('node', [CLI, 'transcribe', '--no-lm', '--threads', '1', cut, whole], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  const [cutLine, wholeLine] = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text: string; duration: number; warning?: string });
  const warning = `truncated: the header says ${((wav.length - 44) / 32000).toFixed(2)} s, the file holds 2.00 s`;
  expect(cutLine).toMatchObject({ file: cut, duration: 2, warning });
  expect(cutLine!.text.length).toBeGreaterThan(0);
  expect(wholeLine!.warning).toBeUndefined();
  expect(run.stderr).toContain(`warning: ${cut}: ${warning}`);
});
