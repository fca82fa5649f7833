import { readFile } from 'node:fs/promises';
import type { ParseArgsConfig } from 'node:util';
import type { Hotword } from '../decoder/index.js';
import { readModelMetadata } from '../model/index.js';
import { DEFAULT_MODEL_DIR, type LoadOptions, type StreamOptions } from '../recognizer/index.js';
import { UsageError } from './errors.js';

/** Which model, language model and beam: every command that recognises speech takes these. */
export const MODEL_OPTIONS = {
  model: { type: 'string' },
  lm: { type: 'string' },
  'no-lm': { type: 'boolean' },
  beam: { type: 'string' },
  provider: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export const MODEL_HELP = `  --model DIR          model directory (default: the bundled en-bilstm)
  --lm FILE            ARPA language model (.arpa or .arpa.gz) (default: the model's lm.arpa.gz)
  --no-lm              greedy decoding, no language model
  --beam N             beam width (default: the model's tuned value)
  --provider P         cpu | cuda (default cpu; cuda falls back to cpu when unavailable)`;

/** The model options plus per-stream biasing, for transcribe, eval and listen. */
export const DECODING_OPTIONS = {
  ...MODEL_OPTIONS,
  hotword: { type: 'string', multiple: true },
  grammar: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export const DECODING_HELP = `${MODEL_HELP}
  --hotword PHRASE     favour a phrase; PHRASE:BOOST sets its boost (repeatable)
  --grammar FILE       restrict results to the phrases in FILE (one per line; [unk] allowed)`;

export const THREADS_HELP = '  --threads N          files decoded in parallel, one model session each (default: cores)';

interface ModelValues {
  model?: string;
  lm?: string;
  'no-lm'?: boolean;
  beam?: string;
  provider?: string;
}

interface DecodingValues extends ModelValues {
  hotword?: string[];
  grammar?: string;
}

/** A model directory with how to load it and how to decode each stream; plain data, so worker threads get it too. */
export interface DecodingSetup {
  modelDir: string;
  load: LoadOptions;
  stream: Pick<StreamOptions, 'hotwords' | 'grammar'>;
}

/** The setup the options ask for, checked here so a bad option fails before any work starts. */
export async function decodingSetup(values: DecodingValues): Promise<DecodingSetup> {
  const modelDir = values.model ?? DEFAULT_MODEL_DIR;
  await readModelMetadata(modelDir);
  return {
    modelDir,
    load: loadOptions(values),
    stream: {
      hotwords: values.hotword?.map(parseHotword),
      grammar: values.grammar ? await readGrammar(values.grammar) : undefined,
    },
  };
}

function loadOptions(values: ModelValues): LoadOptions {
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

export function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${value}'`);
  return n;
}
