import { access, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Transcript } from '../recognizer/index.js';
import { addCounts, countErrors, errorRates, NO_ERRORS, type ErrorCounts } from '../text/error-rate.js';
import { normalizeText } from '../text/normalize.js';
import { DECODING_HELP, DECODING_OPTIONS, decodingSetup, positiveInt, THREADS_HELP } from './decoding-options.js';
import { UsageError } from './errors.js';
import { collectAudioFiles, readFileList, STDIN } from './inputs.js';
import { readManifest } from './manifest.js';
import { runPool } from './pool.js';
import { Progress } from './progress.js';

export const EVAL_HELP = `earshot eval <manifest.tsv | folder>... [options]
       earshot eval --files-from LIST [options]

Word and character error rates against references. Each argument is one set: a manifest in the
format of ../shared/corpora/*/manifest.tsv, or a folder of audio with a .txt reference beside each
file. Hypotheses and references are normalised first (case, punctuation, digits to words).
Prints per-set and overall figures and the worst utterances.

Options:
  --files-from LIST    one more set: the audio files (or folders) named in LIST, one per line
                       ('-': standard input), each with a .txt reference beside it
  --split NAMES        only manifest rows of these splits, comma-separated (e.g. test,dev)
  --limit N            at most N utterances per set
  --worst N            worst utterances to list (default 10)
  --json               print the report as JSON
${DECODING_HELP}
${THREADS_HELP}`;

interface EvalItem {
  set: string;
  path: string;
  reference: string;
}

interface Scored extends EvalItem {
  hypothesis: string;
  counts: ErrorCounts;
}

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...DECODING_OPTIONS, 'files-from': { type: 'string' }, threads: { type: 'string' }, split: { type: 'string' }, limit: { type: 'string' }, worst: { type: 'string' }, json: { type: 'boolean' } },
  });
  const list = values['files-from'];
  if (positionals.length === 0 && list === undefined) throw new UsageError(EVAL_HELP);
  const limit = positiveInt(values.limit, Number.MAX_SAFE_INTEGER, '--limit');
  const worst = positiveInt(values.worst, 10, '--worst');
  const threads = positiveInt(values.threads, os.availableParallelism(), '--threads');
  const workerData = await decodingSetup(values);
  const sets = positionals.map((p) => readSet(p, values.split));
  if (list !== undefined) sets.push(readFileList(list).then((names) => referencedSet(list === STDIN ? 'standard input' : list, names)));
  const items = (await Promise.all(sets)).flatMap((set) => set.slice(0, limit));
  const scored: Scored[] = [];
  const failed: string[] = [];
  const progress = new Progress(items.length, 'eval');
  const started = process.cpuUsage();
  let audioSeconds = 0;
  await runPool<EvalItem, Transcript>({
    worker: new URL('./transcribe-worker.js', import.meta.url),
    workerData,
    threads,
    items,
    onResult: (item, outcome) => {
      if (!outcome.ok) {
        failed.push(outcome.error);
        progress.log(`error: ${outcome.error}`);
        progress.tick(0, true);
        return;
      }
      const hypothesis = normalizeText(outcome.value.text);
      scored.push({ ...item, hypothesis, counts: countErrors(hypothesis, item.reference) });
      audioSeconds += outcome.value.duration;
      progress.tick(outcome.value.duration);
    },
  });
  progress.finish();
  const cpu = process.cpuUsage(started);
  const report = buildReport(scored, worst, audioSeconds, (cpu.user + cpu.system) / 1e6, failed);
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return failed.length > 0 ? 1 : 0;
}

async function readSet(input: string, split: string | undefined): Promise<EvalItem[]> {
  if (input.endsWith('.tsv')) {
    const splits = split?.split(',');
    const rows = (await readManifest(input)).filter((row) => !splits || splits.includes(row.split));
    const corpus = path.basename(path.dirname(path.resolve(input)));
    return rows.map((row) => ({ set: splits ? `${corpus} ${row.split}` : input, path: row.audio, reference: normalizeText(row.text) }));
  }
  return referencedSet(input, [input]);
}

/** The set of audio files under `inputs` (files or folders) that have a .txt reference beside them. */
async function referencedSet(set: string, inputs: string[]): Promise<EvalItem[]> {
  const items: EvalItem[] = [];
  for (const file of await collectAudioFiles(inputs)) {
    const txt = file.path.replace(/\.[^./]+$/, '.txt');
    if (await access(txt).then(() => true, () => false)) {
      items.push({ set, path: file.path, reference: normalizeText(await readFile(txt, 'utf8')) });
    }
  }
  if (items.length === 0) throw new UsageError(`${set}: no audio files with a .txt reference beside them`);
  return items;
}

interface SetScore {
  set: string;
  utterances: number;
  words: number;
  wer: number;
  cer: number;
}

interface Report {
  sets: SetScore[];
  overall: SetScore;
  worst: { file: string; wer: number; reference: string; hypothesis: string }[];
  failed: string[];
  audioSeconds: number;
  cpuSeconds: number;
}

function buildReport(scored: Scored[], worst: number, audioSeconds: number, cpuSeconds: number, failed: string[]): Report {
  const score = (set: string, items: Scored[]): SetScore => {
    const counts = items.reduce((sum, s) => addCounts(sum, s.counts), NO_ERRORS);
    return { set, utterances: items.length, words: counts.words, ...errorRates(counts) };
  };
  const names = [...new Set(scored.map((s) => s.set))];
  const byErrors = [...scored].sort((a, b) => b.counts.wordErrors - a.counts.wordErrors || a.path.localeCompare(b.path));
  return {
    sets: names.map((name) => score(name, scored.filter((s) => s.set === name))),
    overall: score('overall', scored),
    worst: byErrors.slice(0, worst).map((s) => ({ file: s.path, wer: errorRates(s.counts).wer, reference: s.reference, hypothesis: s.hypothesis })),
    failed,
    audioSeconds,
    cpuSeconds,
  };
}

function formatReport(report: Report): string {
  const row = (s: SetScore): string =>
    `${s.set.padEnd(36)} ${String(s.utterances).padStart(6)} ${String(s.words).padStart(7)} ${s.wer.toFixed(2).padStart(7)}% ${s.cer.toFixed(2).padStart(7)}%`;
  const lines = [`${'set'.padEnd(36)} ${'utts'.padStart(6)} ${'words'.padStart(7)} ${'WER'.padStart(8)} ${'CER'.padStart(8)}`];
  lines.push(...report.sets.map(row));
  if (report.sets.length > 1) lines.push(row(report.overall));
  lines.push(`audio ${(report.audioSeconds / 3600).toFixed(2)} h, decoding CPU ${report.cpuSeconds.toFixed(1)} s (main thread and workers)`);
  if (report.failed.length > 0) lines.push(`${report.failed.length} files failed`);
  if (report.worst.length > 0) {
    lines.push('', 'worst utterances:');
    for (const w of report.worst) lines.push(`  ${w.wer.toFixed(0)}% WER  ${w.file}`, `    ref: ${w.reference}`, `    hyp: ${w.hypothesis}`);
  }
  return lines.join('\n') + '\n';
}
