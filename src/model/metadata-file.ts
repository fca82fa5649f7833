import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelLoadError, parseModelMetadata, type ModelMetadata } from './metadata.js';

/** A model directory's model.json, checked. */
export async function readModelMetadata(dir: string): Promise<ModelMetadata> {
  const file = path.join(dir, 'model.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModelLoadError(`${file}: cannot read model metadata (${(error as Error).message})`);
  }
  return parseModelMetadata(text, file);
}
