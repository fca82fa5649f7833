import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioDecodeError } from './errors.js';
import { SAMPLE_RATE, type DecodedAudio } from './format.js';

const UNSUPPORTED = 'unsupported or unrecognised audio format';

/**
 * Decodes the first audio stream of a file in any format an installed `ffmpeg` reads (M4A/AAC,
 * WebM, AIFF, WMA, video files...) to mono SAMPLE_RATE samples. `file` names the source in errors.
 */
export async function decodeFileWithFfmpeg(path: string, file: string): Promise<DecodedAudio> {
  const { status, stdout, stderr, missing } = await runFfmpeg(path);
  if (missing) throw new AudioDecodeError(file, `${UNSUPPORTED} (WAV, FLAC, Ogg Opus, Ogg Vorbis and MP3 are built in; install ffmpeg for others)`);
  if (status !== 0) throw new AudioDecodeError(file, `${UNSUPPORTED} (ffmpeg: ${ffmpegReason(stderr, path) || `exit status ${status}`})`);
  const samples = asFloats(stdout);
  if (samples.length === 0) throw new AudioDecodeError(file, 'no audio samples decoded');
  return { samples, sampleRate: SAMPLE_RATE };
}

/** Like decodeFileWithFfmpeg for bytes in memory. They go through a temporary file because MP4 files often keep their index at the end, which ffmpeg cannot reach through a pipe. */
export async function decodeWithFfmpeg(bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-'));
  try {
    const path = join(dir, 'input');
    await writeFile(path, bytes);
    return await decodeFileWithFfmpeg(path, file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface FfmpegRun {
  status: number | null;
  stdout: Buffer[];
  stderr: string;
  missing: boolean;
}

function runFfmpeg(path: string): Promise<FfmpegRun> {
  const args = [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    // 'file:' keeps a name such as 'http:x' or 'pipe:1' from being taken for one of ffmpeg's protocols.
    '-i', `file:${path}`, '-map', '0:a:0',
    // Averages the channels, as the built-in decoders do; ffmpeg alone mixes stereo at 0.707 each.
    '-ac', '1', '-rematrix_maxval', '1',
    '-ar', String(SAMPLE_RATE), '-f', 'f32le', 'pipe:1',
  ];
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ status: null, stdout: [], stderr: error.message, missing: error.code === 'ENOENT' }));
    child.on('close', (status) => resolve({ status, stdout, stderr, missing: false }));
  });
}

/** ffmpeg's f32le output chunks, joined straight into a Float32Array's own (aligned) memory. */
function asFloats(chunks: Buffer[]): Float32Array {
  const total = chunks.reduce((n, chunk) => n + chunk.length, 0);
  const bytes = new Uint8Array(total - (total % 4));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= bytes.length) break;
    bytes.set(chunk.subarray(0, bytes.length - offset), offset);
    offset += chunk.length;
  }
  return new Float32Array(bytes.buffer);
}

/** ffmpeg's last error line, without the input name it starts with (a temporary file's, for bytes). */
function ffmpegReason(stderr: string, path: string): string {
  const line = stderr.trim().split('\n').at(-1)?.trim() ?? '';
  return line.replace(`file:${path}: `, '');
}
