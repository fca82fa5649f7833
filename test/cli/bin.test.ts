import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const run = promisify(execFile);

describe('the earshot program', () => {
  it('runs as the package bin names it, as `npx earshot` runs it in a fresh clone', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: { earshot: string } };
    const { stdout } = await run(path.join(ROOT, pkg.bin.earshot), ['--help']);
    expect(stdout).toContain('Usage: earshot <command>');
  });
});
