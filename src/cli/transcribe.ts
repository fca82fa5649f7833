import os from 'node:os';
import { parseArgs } from 'node:util';
import { BatchReport, withoutDone, type BatchOutput } from './batch-report.js';
import { DECODING_HELP, DECODING_OPTIONS, decodingSetup, positiveInt, THREADS_HELP, type DecodingSetup } from './decoding-options.js';
import { UsageError } from './errors.js';
import { OUTPUT_FORMATS, type FileResult, type OutputFormat } from './formats.js';
import { collectAudioFiles, namedInputs, readStdin, STDIN, type AudioInput } from './inputs.js';
import { runPool } from './pool.js';
import { queuedRun, QUEUE_HELP, QUEUE_OPTIONS, type BatchRun } from './transcribe-queued.js';

export const TRANSCRIBE_HELP = `earshot transcribe <files | folders>... [options]
       earshot transcribe --files-from LIST [options]

Transcribes wav, flac, Ogg (Opus or Vorbis) and mp3 files, and with ffmpeg installed m4a, aac,
mp4, webm, mkv, mov, aiff, wma and amr; folders are searched recursively.
'-' reads one file from standard input, e.g. curl -s https://host/talk.mp3 | earshot transcribe -
Without --out, one JSON line per file goes to stdout: {"file", "text", "result", "duration"}.
A file that fails prints an error on stderr and {"file", "error"} on stdout; the rest go on.
A file cut short is transcribed as far as it goes, with "warning": "truncated: ..." in its JSON
and on stderr; like sox and ffmpeg, earshot counts it a success.
Exit status: 0 when every file succeeded (warnings included), 1 otherwise.

Options:
  --files-from LIST    also transcribe the files and folders named in LIST, one per line
                       ('-': standard input), for more than a command line holds
  --out DIR            write one output per file into DIR, mirroring the input folders;
                       files already there are skipped, so a rerun resumes
  --format FMT         txt | json | jsonl | srt | vtt (default: txt with --out, jsonl without);
                       with --out, several separated by commas, e.g. srt,vtt,txt
${DECODING_HELP}
${THREADS_HELP}
${QUEUE_HELP}`;

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
      ...QUEUE_OPTIONS,
    },
  });
  if (positionals.length === 0 && values['files-from'] === undefined) throw new UsageError(TRANSCRIBE_HELP);
  const formats = outputFormats(values.format ?? (values.out ? 'txt' : 'jsonl'), values.out !== undefined);
  if (values.redis === undefined && (values.detach || values.queue !== undefined)) throw new UsageError('--detach and --queue go with --redis');
  const run = values.redis !== undefined
    ? await queuedRun({ ...values, redis: values.redis })
    : localRun(await decodingSetup(values), positiveInt(values.threads, os.availableParallelism(), '--threads'));
  const names = await namedInputs(positionals, values['files-from']);
  if (names.filter((p) => p === STDIN).length > 1) throw new UsageError(`'${STDIN}' (standard input) can be named once`);
  const inputs = await withStdin(await collectAudioFiles(names));
  const output: BatchOutput = { out: values.out, formats };
  const todo = await withoutDone(inputs, output);
  const report = new BatchReport(todo.length, output);
  await run(todo, output, report);
  if (values.out && inputs.length > todo.length) report.log(`transcribe: ${inputs.length - todo.length} files already done, skipped`);
  return report.finish();
}

/** Transcribes here, in worker threads with a model session each. */
function localRun(workerData: DecodingSetup, threads: number): BatchRun {
  return (items, _output, report) =>
    runPool<AudioInput, FileResult>({
      worker: new URL('./transcribe-worker.js', import.meta.url),
      workerData,
      threads,
      items,
      onResult: (input, outcome) => report.add(input, outcome),
    });
}

/** The formats --format names: one, or with --out several separated by commas. */
function outputFormats(names: string, toFiles: boolean): OutputFormat[] {
  const formats = [...new Set(names.split(',').map((n) => n.trim()))];
  const unknown = formats.find((f) => !OUTPUT_FORMATS.includes(f as OutputFormat));
  if (unknown !== undefined) throw new UsageError(`unknown --format '${unknown}'; use ${OUTPUT_FORMATS.join(', ')}`);
  if (formats.length > 1 && !toFiles) throw new UsageError('several --format values need --out: standard output takes one');
  return formats as OutputFormat[];
}

async function withStdin(inputs: AudioInput[]): Promise<AudioInput[]> {
  if (!inputs.some((i) => i.path === STDIN)) return inputs;
  const bytes = await readStdin();
  return inputs.map((i) => (i.path === STDIN ? { ...i, bytes } : i));
}
