import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { concatArrays } from './concat.js';

/** Programs node-record-lpcm16 can record through. */
export type Recorder = 'sox' | 'rec' | 'arecord';

export interface MicrophoneOptions {
  /** Samples per second asked of the recorder (default 16000). */
  sampleRate?: number;
  /** Capture device: arecord's -D name (e.g. "plughw:1,0"), or sox's AUDIODEV (default: the system's default input). */
  device?: string;
  /** Recorder program (default: arecord on Linux when it is installed, rec otherwise). */
  recorder?: Recorder;
}

/** The Debian package that installs each recorder. */
const RECORDER_PACKAGE: Record<Recorder, string> = { sox: 'sox', rec: 'sox', arecord: 'alsa-utils' };

/**
 * The microphone cannot deliver audio: the recorder program is not installed ('recorder-missing'),
 * or it exited, usually because there is no capture device ('recorder-failed').
 */
export class MicrophoneError extends Error {
  override readonly name = 'MicrophoneError';

  constructor(
    readonly kind: 'recorder-missing' | 'recorder-failed',
    readonly recorder: Recorder,
    message: string,
  ) {
    super(message);
  }

  static missing(recorder: Recorder): MicrophoneError {
    const pkg = RECORDER_PACKAGE[recorder];
    return new MicrophoneError('recorder-missing', recorder, `${recorder} is not installed; install the ${pkg} package: sudo apt-get install ${pkg}`);
  }
}

interface Recording {
  process: ChildProcess;
  stream(): Readable;
  stop(): void;
}

interface RecordOptions {
  sampleRate: number;
  device?: string;
  recorder: Recorder;
  audioType: 'raw';
}

const { record } = createRequire(import.meta.url)('node-record-lpcm16') as { record(options: RecordOptions): Recording };

/**
 * Live 16-bit mono audio from the system's microphone, through a recorder program that
 * node-record-lpcm16 spawns and reads from its stdout.
 */
export class Microphone {
  readonly sampleRate: number;
  readonly recorder: Recorder;
  private readonly device?: string;
  private recording?: Recording;
  private stopped = false;

  /** Throws a 'recorder-missing' MicrophoneError when the recorder program is not on PATH. */
  constructor(options: MicrophoneOptions = {}) {
    this.sampleRate = options.sampleRate ?? 16000;
    this.device = options.device;
    this.recorder = options.recorder ?? defaultRecorder();
    if (!onPath(this.recorder)) throw MicrophoneError.missing(this.recorder);
  }

  /**
   * Starts recording. onChunk gets whole samples as they arrive; onError is called at most once,
   * when the recorder cannot start or exits before stop(), and no chunks follow it.
   */
  start(onChunk: (pcm: Int16Array) => void, onError: (error: MicrophoneError) => void): void {
    const decoder = new Pcm16Decoder();
    let stderr = '';
    const fail = (error: MicrophoneError): void => {
      if (this.stopped) return;
      this.stop();
      onError(error);
    };
    const recording = withAudioDev(this.device, () =>
      record({ sampleRate: this.sampleRate, device: this.device, recorder: this.recorder, audioType: 'raw' }),
    );
    this.recording = recording;
    // Without an 'error' listener a missing program's ENOENT crashes the process.
    recording.process.on('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ENOENT' ? MicrophoneError.missing(this.recorder) : this.failure(error.message));
    });
    recording.process.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const said = lastLine(stderr);
      fail(this.failure(`${code === null ? `was killed by ${signal}` : `exited with code ${code}`}${said ? `: ${said}` : ''}`));
    });
    recording.process.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    // The library also reports a non-zero exit as an 'error' event carrying a string; 'close' above covers it.
    recording.stream().on('error', () => undefined);
    recording.stream().on('data', (chunk: Buffer) => {
      const samples = decoder.push(chunk);
      if (!this.stopped && samples.length > 0) onChunk(samples);
    });
  }

  /** Stops the recorder; no callbacks follow. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.recording?.stop();
  }

  private failure(reason: string): MicrophoneError {
    return new MicrophoneError('recorder-failed', this.recorder, `${this.recorder} ${reason}`);
  }
}

/** Little-endian 16-bit PCM bytes, split anywhere (even inside a sample), to samples. */
export class Pcm16Decoder {
  /** The first byte of a sample whose second byte has not arrived yet. */
  private oddByte?: Uint8Array;

  push(chunk: Uint8Array): Int16Array {
    const bytes = this.oddByte ? concatArrays(Uint8Array, [this.oddByte, chunk]) : chunk;
    const whole = bytes.length & ~1;
    this.oddByte = whole < bytes.length ? bytes.slice(whole) : undefined;
    const samples = new Int16Array(whole / 2);
    for (let s = 0; s < samples.length; s++) samples[s] = bytes[2 * s]! | (bytes[2 * s + 1]! << 8);
    return samples;
  }
}

/** The last line of what a program wrote to stderr, for error messages. */
function lastLine(text: string): string {
  return text.trim().split('\n').pop()!.trim();
}

function defaultRecorder(): Recorder {
  return process.platform === 'linux' && onPath('arecord') ? 'arecord' : 'rec';
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * node-record-lpcm16 hands the device to arecord (-D) and sox (AUDIODEV) but not to rec, which
 * also reads AUDIODEV; the recorder is spawned synchronously, so setting it around the call is enough.
 */
function withAudioDev<T>(device: string | undefined, spawnRecorder: () => T): T {
  if (device === undefined) return spawnRecorder();
  const saved = process.env.AUDIODEV;
  process.env.AUDIODEV = device;
  try {
    return spawnRecorder();
  } finally {
    if (saved === undefined) delete process.env.AUDIODEV;
    else process.env.AUDIODEV = saved;
  }
}
