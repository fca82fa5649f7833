type SampleArray = Float32Array | Int16Array | Uint8Array;

/** The parts one after another, always in a new array (callers keep it while the parts get reused). */
export function concatArrays<T extends SampleArray>(type: new (length: number) => T, parts: readonly T[]): T {
  const joined = new type(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part as ArrayLike<number>, offset);
    offset += part.length;
  }
  return joined;
}
