import { stat } from 'node:fs/promises';
import path from 'node:path';
import { formatTranscript, type FileResult, type FileTranscript, type OutputFormat } from './formats.js';
import { STDIN, type AudioInput } from './inputs.js';
import type { PoolOutcome } from './pool.js';
import { Progress } from './progress.js';
import { writeAtomic } from './write-atomic.js';

/** Where a batch's results go: one output per format under `out`, or JSON lines on stdout without it. */
export interface BatchOutput {
  out?: string;
  formats: OutputFormat[];
}

/** The files an input's outputs are written to; none without --out. */
export function outputPaths(input: AudioInput, { out, formats }: BatchOutput): string[] {
  return out ? formats.map((format) => path.join(out, input.relative.replace(/\.[^./]+$/, '') + '.' + format)) : [];
}

/**
 * Reports each file's result as `earshot transcribe` does, however the file was transcribed:
 * progress on stderr, outputs written atomically (or a line on stdout), a file's warning on
 * stderr too, and an error on stderr plus {"file", "error"} on stdout for a file that failed.
 */
export class BatchReport {
  private readonly progress: Progress;
  private readonly writes: Promise<void>[] = [];
  private failures = 0;

  constructor(total: number, private readonly output: BatchOutput) {
    this.progress = new Progress(total, 'transcribe');
  }

  /** Prints a message without tearing the progress bar. */
  log(message: string): void {
    this.progress.log(message);
  }

  add(input: AudioInput, outcome: PoolOutcome<FileResult>): void {
    if (!outcome.ok) return this.fail(input, outcome.error);
    const transcript: FileTranscript = { file: input.path, ...outcome.value };
    if (transcript.warning) this.progress.log(`warning: ${input.path}: ${transcript.warning}`);
    if (!this.output.out) {
      process.stdout.write(formatTranscript(transcript, this.output.formats[0]!));
      this.progress.tick(transcript.duration);
      return;
    }
    this.writes.push(writeOutputs(transcript, this.output.formats, outputPaths(input, this.output)).then(
      () => this.progress.tick(transcript.duration),
      (e: Error) => this.fail(input, `${input.path}: ${e.message}`),
    ));
  }

  /** Waits for the outputs to be written; resolves to the exit status: 1 if any file failed. */
  async finish(): Promise<number> {
    await Promise.all(this.writes);
    this.progress.finish();
    return this.failures > 0 ? 1 : 0;
  }

  private fail(input: AudioInput, error: string): void {
    this.failures++;
    this.progress.log(`error: ${error}`);
    process.stdout.write(JSON.stringify({ file: input.path, error }) + '\n');
    this.progress.tick(0, true);
  }
}

/** Writes each format to its path; rejects with the first failure, naming its file. */
async function writeOutputs(transcript: FileTranscript, formats: OutputFormat[], paths: string[]): Promise<void> {
  for (const [k, out] of paths.entries()) {
    await writeAtomic(out, formatTranscript(transcript, formats[k]!)).catch((e: Error) => {
      throw new Error(`cannot write ${out}: ${e.message}`);
    });
  }
}

/** Inputs with every output already written are done. Standard input is always transcribed: its output name says nothing about what was piped in. */
export async function withoutDone(inputs: AudioInput[], output: BatchOutput): Promise<AudioInput[]> {
  if (!output.out) return inputs;
  const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);
  const done = await Promise.all(inputs.map(async (i) => i.path !== STDIN && (await Promise.all(outputPaths(i, output).map(exists))).every(Boolean)));
  return inputs.filter((_, k) => !done[k]);
}
