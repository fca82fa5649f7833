import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './errors.js';

/** What a folder search picks up: the formats decoded here, then those left to ffmpeg. */
export const AUDIO_EXTENSIONS = ['.wav', '.flac', '.opus', '.ogg', '.mp3', '.m4a', '.aac', '.mp4', '.webm', '.mkv', '.mov', '.aiff', '.aif', '.wma', '.amr'];

/** The input name that stands for standard input. */
export const STDIN = '-';

export interface AudioInput {
  path: string;
  /** Path below the folder it was found in, or the file's own name when named directly ('stdin' for STDIN). */
  relative: string;
  /** The audio itself, for STDIN, read before decoding starts. */
  bytes?: Uint8Array;
}

/**
 * The audio files named, and those under the folders named, recursively, in a stable order. A name
 * that does not exist is returned as is, so its error is reported with the other files' results.
 */
export async function collectAudioFiles(paths: string[]): Promise<AudioInput[]> {
  const files: AudioInput[] = [];
  for (const p of paths) {
    if (p === STDIN) {
      files.push({ path: STDIN, relative: 'stdin' });
      continue;
    }
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await walk(p, p)));
    else files.push({ path: p, relative: path.basename(p) });
  }
  return files;
}

async function walk(root: string, dir: string): Promise<AudioInput[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: AudioInput[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(root, full)));
    else if (AUDIO_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
      files.push({ path: full, relative: path.relative(root, full) });
    }
  }
  return files;
}

/**
 * The names in a --files-from list, one per line (a trailing CR is dropped, empty lines skipped), from
 * a file or, for STDIN, standard input. Names are taken as they are: no quoting, no globs.
 */
export async function readFileList(list: string): Promise<string[]> {
  const text = list === STDIN ? (await readStdin('the file list')).toString() : await readFile(list, 'utf8').catch((e: Error) => {
    throw new UsageError(`--files-from ${list}: ${e.message}`);
  });
  return text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.length > 0);
}

/** The inputs named as arguments and in the --files-from list, if any; STDIN cannot be both the list and an input. */
export async function namedInputs(positionals: string[], list: string | undefined): Promise<string[]> {
  if (list === undefined) return positionals;
  const listed = await readFileList(list);
  const names = [...positionals, ...listed];
  if (list === STDIN && names.includes(STDIN)) throw new UsageError(`'${STDIN}' cannot be both the --files-from list and an audio input`);
  return names;
}

/** All of standard input, for the STDIN input; refused when it is a terminal, which would wait forever. */
export async function readStdin(what = 'audio'): Promise<Buffer> {
  if (process.stdin.isTTY) throw new UsageError(`'${STDIN}' reads ${what} from standard input; pipe it in`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
