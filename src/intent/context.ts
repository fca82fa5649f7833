import { compileSpec, type CompiledContext } from './compile.js';
import { ContextError } from './errors.js';
import { parseHassil } from './hassil.js';
import { parseRhino } from './rhino.js';
import type { ContextSpec } from './template.js';
import { readYaml } from './yaml-tree.js';

export interface CompileOptions {
  /** Names the source in errors (default "context"). */
  file?: string;
}

/** Compiled contexts kept, most recently used last: sessions that share a context compile it once. */
const CACHE_SIZE = 32;
const cache = new Map<string, CompiledContext>();

/**
 * Compiles a context file's text, a Picovoice Rhino context (`context:` at the top) or hassil
 * intents (`intents:`), into a word graph. The same text compiles once; a broken context throws a
 * ContextError that names the file, the line and the reason.
 */
export function compileContext(text: string, options: CompileOptions = {}): CompiledContext {
  const cached = cache.get(text);
  if (cached) {
    cache.delete(text);
    cache.set(text, cached);
    return cached;
  }
  const file = options.file ?? 'context';
  const compiled = compileSpec(parseContext(text, file), file);
  cache.set(text, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return compiled;
}

/** The context text in the shared template form. */
export function parseContext(text: string, file: string): ContextSpec {
  const root = readYaml(text, file);
  if (root.kind === 'map' && root.entries.has('context')) return parseRhino(root);
  if (root.kind === 'map' && root.entries.has('intents')) return parseHassil(root);
  throw new ContextError(file, root.line, 'neither a Rhino context ("context:" at the top) nor hassil intents ("intents:")');
}
