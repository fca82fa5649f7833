/**
 * The binary form of an n-gram model (`lm.bin`): the typed arrays the model scores with, laid out
 * one after another so that a file read into a SharedArrayBuffer is the model, and worker threads
 * share it without copying. The layout follows KenLM's trie (Heafield 2011) without quantisation:
 * n-gram nodes numbered order by order, the children of each node contiguous and sorted by word id.
 * Little-endian, every section 4-byte aligned:
 *
 *   magic "EARSHOTL", u32 version, u32 order, u32 vocabulary bytes, u32 count per order,
 *   32 bytes: SHA-256 of the ARPA file it was made from (zeros when none),
 *   vocabulary: UTF-8 words in id order, each followed by "\n" (padded with zeros),
 *   words i32[nodes], logProb f32[nodes], backoff f32[contexts], suffix i32[nodes], childStart i32[contexts + 1]
 *
 * where nodes = 1 + the n-gram count (node 0 is the empty history) and contexts = nodes minus the
 * top order's n-grams.
 */

export class BinaryLmFormatError extends Error {
  override readonly name = 'BinaryLmFormatError';
}

export const BINARY_LM_MAGIC = 'EARSHOTL';
export const BINARY_LM_VERSION = 1;
const SOURCE_BYTES = 32;

/** The arrays of a trie-shaped back-off model, node 0 being the empty history. */
export interface TrieArrays {
  /** Word id of each node's last word (node 0: -1). */
  words: Int32Array;
  /** Natural-log probability of each node's n-gram. */
  logProb: Float32Array;
  /** Natural-log back-off weight of each node that can be a context (every node below the top order). */
  backoff: Float32Array;
  /** The node of each n-gram's longest proper suffix that is in the model. */
  suffix: Int32Array;
  /** Children of context node i are nodes childStart[i] to childStart[i + 1] - 1. */
  childStart: Int32Array;
}

export interface BinaryLm {
  order: number;
  /** n-grams per order, unigrams first. */
  counts: number[];
  /** Words by id. */
  vocabulary: string[];
  /** Hex SHA-256 of the file the model was made from, or '' when unknown. */
  source: string;
  arrays: TrieArrays;
}

/** Writes a model into a SharedArrayBuffer in the binary form. */
export function encodeBinaryLm({ order, counts, vocabulary, source, arrays }: BinaryLm): Uint8Array {
  const vocabularyBytes = new TextEncoder().encode(vocabulary.map((w) => `${w}\n`).join(''));
  const layout = layoutOf(order, counts, vocabularyBytes.length);
  const bytes = new Uint8Array(new SharedArrayBuffer(layout.total));
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(BINARY_LM_MAGIC));
  [BINARY_LM_VERSION, order, vocabularyBytes.length, ...counts].forEach((value, i) => view.setUint32(8 + 4 * i, value, true));
  if (source !== '') bytes.set(fromHex(source), layout.source);
  bytes.set(vocabularyBytes, layout.vocabulary);
  for (const [name, offset] of Object.entries(layout.arrays)) {
    const array = arrays[name as keyof TrieArrays];
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
  }
  return bytes;
}

/**
 * Reads the binary form into typed arrays over the same memory (no copy when `bytes` is 4-byte
 * aligned). Everything that scoring could trip over is checked: sizes, word ids, links that must
 * point to shorter n-grams, child ranges.
 */
export function decodeBinaryLm(bytes: Uint8Array): BinaryLm {
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
  const fail = (message: string): never => {
    throw new BinaryLmFormatError(`binary LM: ${message}`);
  };
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== BINARY_LM_MAGIC) fail('not an earshot binary LM (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== BINARY_LM_VERSION) fail(`format version ${version}; this earshot reads version ${BINARY_LM_VERSION}`);
  const order = view.getUint32(12, true);
  if (order < 1 || order > 16 || bytes.length < 20 + 4 * order) fail(`bad header (order ${order})`);
  const vocabularyLength = view.getUint32(16, true);
  const counts = Array.from({ length: order }, (_, i) => view.getUint32(20 + 4 * i, true));
  const layout = layoutOf(order, counts, vocabularyLength);
  if (layout.total !== bytes.length) fail(`${bytes.length} bytes where its header announces ${layout.total} (truncated?)`);
  const source = toHex(bytes.subarray(layout.source, layout.source + SOURCE_BYTES));
  const vocabulary = new TextDecoder().decode(bytes.subarray(layout.vocabulary, layout.vocabulary + vocabularyLength)).split('\n');
  if (vocabulary.pop() !== '' || vocabulary.length !== counts[0]) fail(`the vocabulary does not hold ${counts[0]} words`);
  const { nodes, contexts } = layout;
  const at = (name: keyof TrieArrays): number => layout.arrays[name];
  const arrays: TrieArrays = {
    words: new Int32Array(bytes.buffer, bytes.byteOffset + at('words'), nodes),
    logProb: new Float32Array(bytes.buffer, bytes.byteOffset + at('logProb'), nodes),
    backoff: new Float32Array(bytes.buffer, bytes.byteOffset + at('backoff'), contexts),
    suffix: new Int32Array(bytes.buffer, bytes.byteOffset + at('suffix'), nodes),
    childStart: new Int32Array(bytes.buffer, bytes.byteOffset + at('childStart'), contexts + 1),
  };
  const problem = trieProblem(arrays, counts[0]!);
  if (problem) fail(problem);
  return { order, counts, vocabulary, source: /^0+$/.test(source) ? '' : source, arrays };
}

function trieProblem({ words, suffix, childStart }: TrieArrays, vocabularySize: number): string | undefined {
  const nodes = words.length;
  for (let i = 1; i < nodes; i++) {
    if (!(words[i]! >= 0 && words[i]! < vocabularySize)) return `node ${i} has word id ${words[i]}`;
    if (!(suffix[i]! >= 0 && suffix[i]! < i)) return `node ${i} backs off to node ${suffix[i]}`;
  }
  if (childStart[0] !== 1 || childStart[childStart.length - 1] !== nodes) return 'child ranges do not cover the nodes';
  for (let i = 1; i < childStart.length; i++) {
    if (childStart[i]! < childStart[i - 1]! || childStart[i]! <= i) return `node ${i - 1} has a bad child range`;
  }
  return undefined;
}

function layoutOf(order: number, counts: number[], vocabularyLength: number) {
  const nodes = 1 + counts.reduce((sum, count) => sum + count, 0);
  const contexts = nodes - counts[order - 1]!;
  const source = 20 + 4 * order;
  const vocabulary = source + SOURCE_BYTES;
  let offset = vocabulary + Math.ceil(vocabularyLength / 4) * 4;
  const next = (elements: number): number => {
    const start = offset;
    offset += 4 * elements;
    return start;
  };
  const arrays = { words: next(nodes), logProb: next(nodes), backoff: next(contexts), suffix: next(nodes), childStart: next(contexts + 1) };
  return { nodes, contexts, source, vocabulary, arrays, total: offset };
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
