import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parseArpa } from './arpa.js';
import { BINARY_LM_MAGIC } from './binary.js';
import { NgramLanguageModel } from './ngram-model.js';

const gunzipAsync = promisify(gunzip);

/** Reads an ARPA file, gzip-compressed or not (told by its magic bytes), into a model. */
export async function loadArpa(path: string): Promise<NgramLanguageModel> {
  return arpaModel(await readFile(path));
}

/** Reads a model file in either form, told by its first bytes: binary (lm.bin), or ARPA, gzip-compressed or not. */
export async function loadLanguageModel(path: string): Promise<NgramLanguageModel> {
  const bytes = await readShared(path);
  return isBinaryLm(bytes) ? NgramLanguageModel.fromBinary(bytes) : arpaModel(bytes);
}

/**
 * An ARPA file's model, read from `binaryPath` when the binary form there was made from this very
 * file (its SHA-256 says so); otherwise parsed from the ARPA and written to `binaryPath` for next
 * time. A failed write is passed to `onWriteError` and loading goes on.
 */
export async function loadArpaViaBinary(arpaPath: string, binaryPath: string, onWriteError: (error: Error) => void): Promise<NgramLanguageModel> {
  const source = await fileSha256(arpaPath);
  const cached = await readShared(binaryPath).then(NgramLanguageModel.fromBinary, () => undefined);
  if (cached?.source === source) return cached;
  const model = await arpaModel(await readFile(arpaPath));
  await writeBinaryLm(model, binaryPath).catch(onWriteError);
  return model;
}

/** Writes the model's binary form to a file, atomically (a temporary file renamed into place). */
export async function writeBinaryLm(model: NgramLanguageModel, path: string): Promise<void> {
  const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
  try {
    await writeFile(partial, model.binary);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

async function arpaModel(bytes: Uint8Array): Promise<NgramLanguageModel> {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const text = gzipped ? await gunzipAsync(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return parseArpa(text.toString('utf8'), createHash('sha256').update(bytes).digest('hex'));
}

function isBinaryLm(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, BINARY_LM_MAGIC.length)).toString('latin1') === BINARY_LM_MAGIC;
}

/** Streamed, so checking a large ARPA file against its binary form holds no copy of it. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A file's bytes in a SharedArrayBuffer, which worker threads can be handed without a copy. */
async function readShared(path: string): Promise<Uint8Array> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let at = 0; at < size; ) {
      const { bytesRead } = await file.read(bytes, at, size - at, at);
      if (bytesRead === 0) return bytes.subarray(0, at);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await file.close();
  }
}
