import { compileContext, ContextError, type CompiledContext } from '../intent/index.js';
import type { FinalResult, WordResult } from '../recognizer/index.js';

/**
 * Sample rate assumed until a client's config names one. vosk-server assumes 8000; earshot's model
 * runs at 16000, the rate most speech tools record at, so a client that sends none is not resampled.
 */
export const DEFAULT_SAMPLE_RATE = 16000;

/** The rates a client may announce: telephone audio up to studio rates. */
const SAMPLE_RATE_RANGE = [8000, 192000] as const;

/** The largest context (YAML text, in UTF-16 code units) a client may send. */
export const MAX_CONTEXT_LENGTH = 256 * 1024;

/** The most alternatives a client may ask for. */
const MAX_ALTERNATIVES = 20;

/** A session's recognition settings, set by the client's config messages. */
export interface SessionConfig {
  /** Rate of the client's 16-bit PCM (default DEFAULT_SAMPLE_RATE). */
  sampleRate: number;
  /** Word timings and confidences in results (default true, as in vosk-server). */
  words: boolean;
  /** N-best list size; 0 gives the plain `{text, result}` shape (default 0). */
  maxAlternatives: number;
  /** Restricts results to these phrases; "[unk]" allows out-of-grammar speech (default none). */
  phraseList?: string[];
  /** Restricts results to a context's commands and adds their intents (default: the server's, if any). */
  context?: CompiledContext;
}

export const DEFAULT_CONFIG: SessionConfig = { sampleRate: DEFAULT_SAMPLE_RATE, words: true, maxAlternatives: 0 };

/** A text frame from a vosk client. */
export type ClientMessage = { type: 'config'; config: Partial<SessionConfig> } | { type: 'eof' } | { type: 'reset' };

/** A message the server cannot act on; the session replies `{"error": message}` and goes on. */
export class ProtocolError extends Error {}

/** Parses a text frame as JSON, so `{"eof":1}` and `{"eof" : 1}` mean the same (vosk-server compares strings). */
export function parseClientMessage(text: string): ClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new ProtocolError('text frames must be JSON: {"config": {...}}, {"eof": 1} or {"reset": 1}');
  }
  if (!isObject(message)) throw new ProtocolError('expected a JSON object');
  const keys = Object.keys(message);
  if (keys.length !== 1) throw new ProtocolError(`expected exactly one of config, eof or reset, got keys: ${keys.join(', ') || 'none'}`);
  const [key] = keys;
  const value = message[key];
  if (key === 'config') return { type: 'config', config: parseConfig(value) };
  if (key === 'eof' || key === 'reset') {
    if (value !== 1 && value !== true) throw new ProtocolError(`"${key}" must be 1`);
    return { type: key };
  }
  throw new ProtocolError(`unknown message "${key}"; expected config, eof or reset`);
}

function parseConfig(value: unknown): Partial<SessionConfig> {
  if (!isObject(value)) throw new ProtocolError('"config" must be an object');
  const config: Partial<SessionConfig> = {};
  for (const [key, field] of Object.entries(value)) {
    switch (key) {
      case 'sample_rate':
        config.sampleRate = sampleRate(field);
        break;
      case 'words':
        config.words = flag(field, 'words');
        break;
      case 'max_alternatives':
        config.maxAlternatives = alternatives(field);
        break;
      case 'phrase_list':
        config.phraseList = phraseList(field);
        break;
      case 'context':
        config.context = contextOf(field);
        break;
      case 'model':
        throw new ProtocolError('"model" cannot be chosen by a client; the server loads its own (config ignored)');
      default:
        throw new ProtocolError(`unknown config key "${key}" (config ignored)`);
    }
  }
  return config;
}

function sampleRate(value: unknown): number {
  const [low, high] = SAMPLE_RATE_RANGE;
  if (!Number.isInteger(value) || (value as number) < low || (value as number) > high) {
    throw new ProtocolError(`"sample_rate" must be an integer from ${low} to ${high} (config ignored)`);
  }
  return value as number;
}

/** vosk-server takes any truthy value; 0 and 1 are what its older clients send. */
function flag(value: unknown, key: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  throw new ProtocolError(`"${key}" must be true or false (config ignored)`);
}

function alternatives(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_ALTERNATIVES) {
    throw new ProtocolError(`"max_alternatives" must be an integer from 0 to ${MAX_ALTERNATIVES} (config ignored)`);
  }
  return value as number;
}

/** An empty list lifts the restriction, as in vosk-server. */
function phraseList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || !value.every((phrase) => typeof phrase === 'string')) {
    throw new ProtocolError('"phrase_list" must be an array of strings (config ignored)');
  }
  return value.length > 0 ? value : undefined;
}

/** A Rhino or hassil context as YAML text; "" or null lifts the server's default. */
function contextOf(value: unknown): CompiledContext | undefined {
  if (value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ProtocolError('"context" must be the text of a Rhino or hassil YAML context (config ignored)');
  if (value.length > MAX_CONTEXT_LENGTH) throw new ProtocolError(`"context" is longer than ${MAX_CONTEXT_LENGTH} characters (config ignored)`);
  try {
    return compileContext(value, { file: 'context' });
  } catch (error) {
    if (error instanceof ContextError) throw new ProtocolError(`bad "context": ${error.message} (config ignored)`);
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A final's text: the best alternative's when it holds an n-best list. */
export function finalText(final: FinalResult): string {
  return final.text ?? final.alternatives?.[0]?.text ?? '';
}

/** Moves a final's word times by `seconds`, for a stream that started that far into the session. */
export function shiftTimes(final: FinalResult, seconds: number): FinalResult {
  if (seconds === 0) return final;
  const shift = (words?: WordResult[]): WordResult[] | undefined =>
    words?.map((w) => ({ ...w, start: roundMs(w.start + seconds), end: roundMs(w.end + seconds) }));
  if (final.alternatives) return { alternatives: final.alternatives.map((a) => (a.result ? { ...a, result: shift(a.result) } : a)) };
  return final.result ? { ...final, result: shift(final.result) } : final;
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
