import { readFile } from 'node:fs/promises';
import type { ParseArgsConfig } from 'node:util';
import { DEFAULT_MIN_INTENT_CONFIDENCE, phraseWords, PronunciationSpelling, UNKNOWN_PHRASE, UnknownWordError, unwritableWords, type Hotword } from '../decoder/index.js';
import { compileContext, ContextError } from '../intent/index.js';
import { readModelMetadata } from '../model/index.js';
import { DEFAULT_MODEL_DIR, loadModelLanguageModel, readLexicon, unwritableLmWarning, type LoadOptions, type StreamOptions } from '../recognizer/index.js';
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
  --lm FILE            language model: ARPA (.arpa or .arpa.gz) or binary (lm.bin)
                       (default: the model's lm.arpa.gz, read through its lm.bin)
  --no-lm              greedy decoding, no language model
  --beam N             beam width (default: the model's tuned value)
  --provider P         cpu | cuda (default cpu; cuda falls back to cpu when unavailable)`;

/** A context file of commands, for every command that recognises speech. */
export const CONTEXT_OPTIONS = {
  context: { type: 'string' },
  'min-confidence': { type: 'string' },
} satisfies ParseArgsConfig['options'];

export const CONTEXT_HELP = `  --context FILE       decode commands: a Rhino context or hassil intents YAML file; results
                       carry "intent" (docs/intents.md)
  --min-confidence C   intent confidence below which a command is not understood (default ${DEFAULT_MIN_INTENT_CONFIDENCE})`;

/** The model options plus per-stream biasing, for transcribe, eval and listen. */
export const DECODING_OPTIONS = {
  ...MODEL_OPTIONS,
  hotword: { type: 'string', multiple: true },
  grammar: { type: 'string' },
  ...CONTEXT_OPTIONS,
} satisfies ParseArgsConfig['options'];

export const DECODING_HELP = `${MODEL_HELP}
  --hotword PHRASE     favour a phrase; PHRASE:BOOST sets its boost (repeatable)
  --grammar FILE       restrict results to the phrases in FILE (one per line; [unk] allowed)
${CONTEXT_HELP}`;

export const THREADS_HELP = '  --threads N          files decoded in parallel, one model session each (default: cores)';

interface ModelValues {
  model?: string;
  lm?: string;
  'no-lm'?: boolean;
  beam?: string;
  provider?: string;
}

interface ContextValues {
  context?: string;
  'min-confidence'?: string;
}

interface DecodingValues extends ModelValues, ContextValues {
  hotword?: string[];
  grammar?: string;
}

/** A context file's text, checked to compile; plain data, so worker threads get it too. */
export interface ContextSetup {
  file: string;
  text: string;
  minIntentConfidence?: number;
}

/**
 * A model directory with how to load it and how to decode each stream; plain data, so worker threads
 * get it too. The language model is loaded once, and `load.lm` is its binary form in a
 * SharedArrayBuffer, which every thread scores from without a copy.
 */
export interface DecodingSetup {
  modelDir: string;
  load: LoadOptions;
  stream: Pick<StreamOptions, 'hotwords' | 'grammar'>;
  context?: ContextSetup;
}

/** The setup the options ask for, checked here so a bad option fails before any work starts. */
export async function decodingSetup(values: DecodingValues): Promise<DecodingSetup> {
  const modelDir = values.model ?? DEFAULT_MODEL_DIR;
  const meta = await readModelMetadata(modelDir);
  const load = loadOptions(values);
  const stream = {
    hotwords: values.hotword?.map(parseHotword),
    grammar: values.grammar ? await readGrammar(values.grammar) : undefined,
  };
  const context = await contextSetup(values);
  if (meta.units === 'phones' && (stream.hotwords || stream.grammar || context)) await checkWritable(modelDir, stream, context);
  const lm = await loadModelLanguageModel(modelDir, load.lm);
  if (meta.units === 'phones' && typeof load.lm === 'string' && lm) {
    const warning = unwritableLmWarning(load.lm, lm, (await readLexicon(modelDir)) ?? '');
    if (warning) process.stderr.write(`earshot: ${warning}\n`);
  }
  return { modelDir, load: { ...load, lm: lm?.binary ?? false }, stream, context };
}

/** A phone model can only recognise words its lexicon has: one that a phrase uses stops the command here. */
async function checkWritable(modelDir: string, stream: DecodingSetup['stream'], context: ContextSetup | undefined): Promise<void> {
  const lexicon = (await readLexicon(modelDir)) ?? '';
  const phrases = [...(stream.hotwords ?? []).map((h) => h.phrase), ...(stream.grammar ?? []).filter((p) => p.trim().toLowerCase() !== UNKNOWN_PHRASE)];
  const words = [...phrases.flatMap(phraseWords), ...(contextOptions(context).context?.graph.vocabulary() ?? [])];
  const missing = unwritableWords(words, new PronunciationSpelling(lexicon));
  if (missing.length > 0) throw new UsageError(new UnknownWordError(missing).message);
}

/** The --context file, read and compiled here so a broken one stops the command before any work. */
export async function contextSetup(values: ContextValues): Promise<ContextSetup | undefined> {
  if (values['min-confidence'] !== undefined && !values.context) throw new UsageError('--min-confidence needs --context');
  if (!values.context) return undefined;
  const text = await readFile(values.context, 'utf8').catch((e: Error) => {
    throw new UsageError(`cannot read --context ${values.context}: ${e.message}`);
  });
  const setup: ContextSetup = { file: values.context, text, minIntentConfidence: confidence(values['min-confidence']) };
  contextOptions(setup);
  return setup;
}

/** The stream options of a context setup: the compiled context (compiled once per thread) and its threshold. */
export function contextOptions(setup: ContextSetup | undefined): Pick<StreamOptions, 'context' | 'minIntentConfidence'> {
  if (!setup) return {};
  try {
    return { context: compileContext(setup.text, { file: setup.file }), minIntentConfidence: setup.minIntentConfidence };
  } catch (error) {
    if (error instanceof ContextError) throw new UsageError(`bad context: ${error.message}`);
    throw error;
  }
}

function confidence(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new UsageError(`--min-confidence must be a number from 0 to 1, got '${value}'`);
  return n;
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
