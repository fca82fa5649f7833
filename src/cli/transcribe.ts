import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Hotword } from '../decoder/index.js';
import { readModelMetadata } from '../model/index.js';
import { DEFAULT_MODEL_DIR, type LoadOptions, type Transcript } from '../recognizer/index.js';
import { UsageError } from './errors.js';
import { formatTranscript, OUTPUT_FORMATS, type FileTranscript, type OutputFormat } from './formats.js';
import { collectAudioFiles, type AudioInput } from './inputs.js';
import { runPool } from './pool.js';
import { Progress } from './progress.js';
import type { TranscribeWorkerData } from './transcribe-worker.js';

export const TRANSCRIBE_HELP = `earshot transcribe <files | folders>... [options]

Transcribes wav, flac, opus/ogg and mp3 files; folders are searched recursively.
Without --out, one JSON line per file goes to stdout: {"file", "text", "result", "duration"}.
A file that fails prints an error on stderr and {"file", "error"} on stdout; the rest go on.
Exit status: 0 when every file succeeded, 1 otherwise.

Options:
  --out DIR            write one output per file into DIR, mirroring the input folders;
                       files already there are skipped, so a rerun resumes
  --format FMT         txt | json | jsonl | srt | vtt (default: txt with --out, jsonl without)
  --model DIR          model directory (default: the bundled en-bilstm)
  --lm FILE            ARPA language model (.arpa or .arpa.gz) (default: the model's lm.arpa.gz)
  --no-lm              greedy decoding, no language model
  --beam N             beam width (default: the model's tuned value)
  --hotword PHRASE     favour a phrase; PHRASE:BOOST sets its boost (repeatable)
  --grammar FILE       restrict results to the phrases in FILE (one per line; [unk] allowed)
  --provider P         cpu | cuda (default cpu; cuda falls back to cpu when unavailable)
  --threads N          files transcribed in parallel, one model session each (default: cores)`;

export async function transcribeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      format: { type: 'string' },
      model: { type: 'string' },
      lm: { type: 'string' },
      'no-lm': { type: 'boolean' },
      beam: { type: 'string' },
      hotword: { type: 'string', multiple: true },
      grammar: { type: 'string' },
      provider: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError(TRANSCRIBE_HELP);
  const format = (values.format ?? (values.out ? 'txt' : 'jsonl')) as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`unknown --format '${format}'; use ${OUTPUT_FORMATS.join(', ')}`);
  const modelDir = values.model ?? DEFAULT_MODEL_DIR;
  await readModelMetadata(modelDir);
  const workerData: TranscribeWorkerData = {
    modelDir,
    load: loadOptions(values),
    stream: { hotwords: values.hotword?.map(parseHotword), grammar: values.grammar ? await readGrammar(values.grammar) : undefined },
  };
  const inputs = await collectAudioFiles(positionals);
  const outputPath = (input: AudioInput): string | undefined =>
    values.out && path.join(values.out, input.relative.replace(/\.[^./]+$/, '') + '.' + format);
  const todo = values.out ? await withoutDone(inputs, outputPath) : inputs;
  const progress = new Progress(todo.length, 'transcribe');
  let failures = 0;
  await runPool<AudioInput, Transcript>({
    worker: new URL('./transcribe-worker.js', import.meta.url),
    workerData,
    threads: positiveInt(values.threads, os.availableParallelism(), '--threads'),
    items: todo,
    onResult: (input, outcome) => {
      if (!outcome.ok) {
        failures++;
        progress.log(`error: ${outcome.error}`);
        process.stdout.write(JSON.stringify({ file: input.path, error: outcome.error }) + '\n');
        progress.tick(0, true);
        return;
      }
      const transcript: FileTranscript = { file: input.path, ...outcome.value };
      const out = outputPath(input);
      if (out) void writeAtomic(out, formatTranscript(transcript, format));
      else process.stdout.write(formatTranscript(transcript, format));
      progress.tick(transcript.duration);
    },
  });
  progress.finish();
  if (values.out && inputs.length > todo.length) process.stderr.write(`transcribe: ${inputs.length - todo.length} files already done, skipped\n`);
  return failures > 0 ? 1 : 0;
}

function loadOptions(values: { lm?: string; 'no-lm'?: boolean; beam?: string; provider?: string }): LoadOptions {
  if (values.provider && values.provider !== 'cpu' && values.provider !== 'cuda') {
    throw new UsageError(`unknown --provider '${values.provider}'; use cpu or cuda`);
  }
  return {
    lm: values['no-lm'] ? false : (values.lm ?? true),
    decoder: values.beam ? { beam: positiveInt(values.beam, 0, '--beam') } : undefined,
    provider: values.provider as LoadOptions['provider'],
  };
}

export function parseHotword(spec: string): Hotword {
  const match = /^(.*):(-?\d+(?:\.\d+)?)$/.exec(spec);
  return match ? { phrase: match[1], boost: Number(match[2]) } : { phrase: spec };
}

/** A grammar file: a JSON array of phrases, or one phrase per line. */
export async function readGrammar(file: string): Promise<string[]> {
  const text = (await readFile(file, 'utf8')).trim();
  if (text.startsWith('[')) return JSON.parse(text) as string[];
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${value}'`);
  return n;
}

async function withoutDone(inputs: AudioInput[], outputPath: (i: AudioInput) => string | undefined): Promise<AudioInput[]> {
  const done = await Promise.all(inputs.map((i) => stat(outputPath(i)!).then(() => true, () => false)));
  return inputs.filter((_, k) => !done[k]);
}

/** Writes beside the target and renames, so an interrupted run never leaves a half-written output. */
async function writeAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}
