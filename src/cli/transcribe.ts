import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Transcript } from '../recognizer/index.js';
import { DECODING_HELP, DECODING_OPTIONS, decodingSetup, positiveInt, THREADS_HELP } from './decoding-options.js';
import { UsageError } from './errors.js';
import { formatTranscript, OUTPUT_FORMATS, type FileTranscript, type OutputFormat } from './formats.js';
import { collectAudioFiles, namedInputs, readStdin, STDIN, type AudioInput } from './inputs.js';
import { runPool } from './pool.js';
import { Progress } from './progress.js';
import { writeAtomic } from './write-atomic.js';

export const TRANSCRIBE_HELP = `earshot transcribe <files | folders>... [options]
       earshot transcribe --files-from LIST [options]

Transcribes wav, flac, Ogg (Opus or Vorbis) and mp3 files, and with ffmpeg installed m4a, aac,
mp4, webm, mkv, mov, aiff, wma and amr; folders are searched recursively.
'-' reads one file from standard input, e.g. curl -s https://host/talk.mp3 | earshot transcribe -
Without --out, one JSON line per file goes to stdout: {"file", "text", "result", "duration"}.
A file that fails prints an error on stderr and {"file", "error"} on stdout; the rest go on.
Exit status: 0 when every file succeeded, 1 otherwise.

Options:
  --files-from LIST    also transcribe the files and folders named in LIST, one per line
                       ('-': standard input), for more than a command line holds
  --out DIR            write one output per file into DIR, mirroring the input folders;
                       files already there are skipped, so a rerun resumes
  --format FMT         txt | json | jsonl | srt | vtt (default: txt with --out, jsonl without);
                       with --out, several separated by commas, e.g. srt,vtt,txt
${DECODING_HELP}
${THREADS_HELP}`;

export async function transcribeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'files-from': { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      ...DECODING_OPTIONS,
      threads: { type: 'string' },
    },
  });
  if (positionals.length === 0 && values['files-from'] === undefined) throw new UsageError(TRANSCRIBE_HELP);
  const formats = outputFormats(values.format ?? (values.out ? 'txt' : 'jsonl'), values.out !== undefined);
  const workerData = await decodingSetup(values);
  const names = await namedInputs(positionals, values['files-from']);
  if (names.filter((p) => p === STDIN).length > 1) throw new UsageError(`'${STDIN}' (standard input) can be named once`);
  const inputs = await withStdin(await collectAudioFiles(names));
  const outputPaths = (input: AudioInput): string[] =>
    values.out ? formats.map((format) => path.join(values.out!, input.relative.replace(/\.[^./]+$/, '') + '.' + format)) : [];
  const todo = values.out ? await withoutDone(inputs, outputPaths) : inputs;
  const progress = new Progress(todo.length, 'transcribe');
  let failures = 0;
  const fail = (input: AudioInput, error: string): void => {
    failures++;
    progress.log(`error: ${error}`);
    process.stdout.write(JSON.stringify({ file: input.path, error }) + '\n');
    progress.tick(0, true);
  };
  const writes: Promise<void>[] = [];
  await runPool<AudioInput, Transcript>({
    worker: new URL('./transcribe-worker.js', import.meta.url),
    workerData,
    threads: positiveInt(values.threads, os.availableParallelism(), '--threads'),
    items: todo,
    onResult: (input, outcome) => {
      if (!outcome.ok) return fail(input, outcome.error);
      const transcript: FileTranscript = { file: input.path, ...outcome.value };
      if (!values.out) {
        process.stdout.write(formatTranscript(transcript, formats[0]!));
        progress.tick(transcript.duration);
        return;
      }
      writes.push(writeOutputs(transcript, formats, outputPaths(input)).then(
        () => progress.tick(transcript.duration),
        (e: Error) => fail(input, `${input.path}: ${e.message}`),
      ));
    },
  });
  await Promise.all(writes);
  progress.finish();
  if (values.out && inputs.length > todo.length) process.stderr.write(`transcribe: ${inputs.length - todo.length} files already done, skipped\n`);
  return failures > 0 ? 1 : 0;
}

/** The formats --format names: one, or with --out several separated by commas. */
function outputFormats(names: string, toFiles: boolean): OutputFormat[] {
  const formats = [...new Set(names.split(',').map((n) => n.trim()))];
  const unknown = formats.find((f) => !OUTPUT_FORMATS.includes(f as OutputFormat));
  if (unknown !== undefined) throw new UsageError(`unknown --format '${unknown}'; use ${OUTPUT_FORMATS.join(', ')}`);
  if (formats.length > 1 && !toFiles) throw new UsageError('several --format values need --out: standard output takes one');
  return formats as OutputFormat[];
}

/** Writes each format to its path; rejects with the first failure, naming its file. */
async function writeOutputs(transcript: FileTranscript, formats: OutputFormat[], paths: string[]): Promise<void> {
  for (const [k, out] of paths.entries()) {
    await writeAtomic(out, formatTranscript(transcript, formats[k]!)).catch((e: Error) => {
      throw new Error(`cannot write ${out}: ${e.message}`);
    });
  }
}

async function withStdin(inputs: AudioInput[]): Promise<AudioInput[]> {
  if (!inputs.some((i) => i.path === STDIN)) return inputs;
  const bytes = await readStdin();
  return inputs.map((i) => (i.path === STDIN ? { ...i, bytes } : i));
}

/** Inputs with every output already written are done. Standard input is always transcribed: its output name says nothing about what was piped in. */
async function withoutDone(inputs: AudioInput[], outputPaths: (i: AudioInput) => string[]): Promise<AudioInput[]> {
  const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);
  const done = await Promise.all(inputs.map(async (i) => i.path !== STDIN && (await Promise.all(outputPaths(i).map(exists))).every(Boolean)));
  return inputs.filter((_, k) => !done[k]);
}
