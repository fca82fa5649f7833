import { createHash } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FEATURES, type FeatureConfig } from '../features/index.js';
import { normalizeText } from '../text/normalize.js';
import type { FeatureJob, FeatureJobResult } from './features-worker.js';
import { UsageError } from './errors.js';
import { collectAudioFiles } from './inputs.js';
import { readManifest, type ManifestEntry } from './manifest.js';
import { runPool } from './pool.js';
import { Progress } from './progress.js';
import { writeAtomic } from './write-atomic.js';

export const FEATURES_HELP = `earshot features <manifest.tsv | audio files | folders>... --out DIR

Computes the model's input features (MFCC with causal mean normalisation) for training.
Writes DIR/feats/**.npy (float16, frames x dims, numpy.load reads them), DIR/index.tsv
with the columns features, frames, seconds, text (normalised), speaker, split, audio, and
DIR/config.json with the feature settings, which the exported model's metadata carries.
Files already done are kept, so an interrupted run resumes.

Options:
  --out DIR        output folder (required)
  --split NAME     only manifest rows of this split (default: all rows)
  --threads N      worker threads (default: number of cores)
  --config FILE    feature settings as JSON (default: earshot's defaults)`;

type FeatureItem = ManifestEntry & FeatureJob;

export async function featuresCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      split: { type: 'string' },
      threads: { type: 'string' },
      config: { type: 'string' },
    },
  });
  if (!values.out || positionals.length === 0) throw new UsageError(FEATURES_HELP);
  const config = values.config ? await readConfig(values.config) : DEFAULT_FEATURES;
  const entries = (await readInputs(positionals)).filter((e) => !values.split || e.split === values.split);
  const items = entries.map((entry) => toItem(entry, values.out!));
  const rows: string[] = [];
  const todo = await skipDone(items, rows, config, values.out);
  let failures = 0;
  const progress = new Progress(todo.length, 'features');
  await runPool<FeatureItem, FeatureJobResult>({
    worker: new URL('./features-worker.js', import.meta.url),
    workerData: config,
    threads: Number(values.threads ?? os.availableParallelism()),
    items: todo,
    onResult: (item, outcome) => {
      if (outcome.ok) rows.push(indexRow(item, outcome.value, values.out!));
      else {
        failures++;
        progress.log(`error: ${outcome.error}`);
      }
      progress.tick(outcome.ok ? outcome.value.seconds : 0, !outcome.ok);
    },
  });
  progress.finish();
  await writeIndex(values.out, rows);
  await writeFile(path.join(values.out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  process.stderr.write(`features: ${rows.length} utterances in ${path.join(values.out, 'index.tsv')}, ${failures} failed\n`);
  return failures > 0 ? 1 : 0;
}

async function readInputs(inputs: string[]): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  for (const input of inputs) {
    if (input.endsWith('.tsv')) entries.push(...(await readManifest(input)));
    else {
      const files = await collectAudioFiles([input]);
      entries.push(...files.map((f) => ({ audio: path.resolve(f.path), text: '', speaker: '', split: '', seconds: 0 })));
    }
  }
  return entries;
}

async function readConfig(file: string): Promise<FeatureConfig> {
  const json = JSON.parse(await readFile(file, 'utf8')) as { features?: FeatureConfig } & FeatureConfig;
  return { ...DEFAULT_FEATURES, ...(json.features ?? json) };
}

function toItem(entry: ManifestEntry, outDir: string): FeatureItem {
  const id = createHash('sha1').update(entry.audio).digest('hex').slice(0, 20);
  return { ...entry, out: path.join(outDir, 'feats', id.slice(0, 2), `${id}.npy`) };
}

/** Items whose .npy exists go straight into the index; the rest are returned to be computed. */
async function skipDone(items: FeatureItem[], rows: string[], config: FeatureConfig, outDir: string): Promise<FeatureItem[]> {
  const todo: FeatureItem[] = [];
  for (const item of items) {
    const frames = await npyRows(item.out);
    if (frames === undefined) todo.push(item);
    else {
      const seconds = ((frames - 1) * config.hop + config.frameLength) / config.sampleRate;
      rows.push(indexRow(item, { frames, seconds }, outDir));
    }
  }
  return todo;
}

async function npyRows(file: string): Promise<number | undefined> {
  try {
    const handle = await open(file);
    try {
      const { buffer } = await handle.read(Buffer.alloc(128), 0, 128, 0);
      return Number(/'shape': \((\d+),/.exec(buffer.toString('latin1'))?.[1]);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function indexRow(item: FeatureItem, result: FeatureJobResult, outDir: string): string {
  const clean = (s: string): string => s.replace(/[\t\n\r]/g, ' ');
  return [
    path.relative(outDir, item.out),
    result.frames,
    result.seconds.toFixed(3),
    normalizeText(item.text),
    clean(item.speaker),
    clean(item.split),
    item.audio,
  ].join('\t');
}

async function writeIndex(outDir: string, rows: string[]): Promise<void> {
  const file = path.join(outDir, 'index.tsv');
  rows.sort();
  await writeAtomic(file, ['features\tframes\tseconds\ttext\tspeaker\tsplit\taudio', ...rows].join('\n') + '\n');
}
