import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parseArpa } from './arpa.js';
import type { NgramLanguageModel } from './ngram-model.js';

const gunzipAsync = promisify(gunzip);

/** Reads an ARPA file, gzip-compressed or not (told by its magic bytes), into a model. */
export async function loadArpa(path: string): Promise<NgramLanguageModel> {
  const bytes = await readFile(path);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return parseArpa((gzipped ? await gunzipAsync(bytes) : bytes).toString('utf8'));
}
