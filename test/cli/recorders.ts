import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FAKE_RECORDER = fileURLToPath(new URL('./fake-recorder.js', import.meta.url));

/**
 * A new temporary folder with arecord, rec and sox programs that run fake-recorder.js (see there
 * for the FAKE_RECORDER_* variables that drive them). Put it first on PATH.
 */
export async function fakeRecorderDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'earshot-recorder-'));
  for (const name of ['arecord', 'rec', 'sox']) {
    const program = path.join(dir, name);
    await writeFile(program, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_RECORDER}' "$@"\n`);
    await chmod(program, 0o755);
  }
  return dir;
}

/** A new empty temporary folder: a PATH on which no recorder can be found. */
export function emptyDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'earshot-empty-'));
}
