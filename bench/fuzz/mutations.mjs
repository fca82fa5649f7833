// Seeded byte mutations for the fuzzers: each takes bytes and a random() in [0, 1) and returns new bytes.

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a seed names a run. */
export function seededRandom(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (random, min, max) => min + Math.floor(random() * (max - min + 1));
export const pick = (random, items) => items[Math.floor(random() * items.length)];

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

/** An offset, half the time in the first 512 bytes, where the headers are. */
function offset(bytes, random) {
  return random() < 0.5 ? randomInt(random, 0, Math.min(511, bytes.length - 1)) : randomInt(random, 0, bytes.length - 1);
}

function setBytes(random, bytes) {
  const copy = bytes.slice();
  for (let n = randomInt(random, 1, 8); n > 0; n--) copy[offset(copy, random)] = randomInt(random, 0, 255);
  return copy;
}

function flipBits(random, bytes) {
  const copy = bytes.slice();
  for (let n = randomInt(random, 1, 8); n > 0; n--) copy[offset(copy, random)] ^= 1 << randomInt(random, 0, 7);
  return copy;
}

function truncate(random, bytes) {
  return bytes.slice(0, randomInt(random, 0, bytes.length));
}

function interestingField(random, bytes) {
  const copy = bytes.slice();
  const width = pick(random, [1, 2, 4]);
  const at = offset(copy, random);
  if (at + width > copy.length) return copy;
  const value = pick(random, INTERESTING) % 2 ** (8 * width);
  const view = new DataView(copy.buffer);
  const littleEndian = random() < 0.5;
  if (width === 1) view.setUint8(at, value);
  else if (width === 2) view.setUint16(at, value, littleEndian);
  else view.setUint32(at, value, littleEndian);
  return copy;
}

function deleteSpan(random, bytes) {
  const at = offset(bytes, random);
  const length = randomInt(random, 1, Math.min(4096, bytes.length - at));
  return concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
}

function insertRandom(random, bytes) {
  const at = offset(bytes, random);
  const junk = Uint8Array.from({ length: randomInt(random, 1, 512) }, () => randomInt(random, 0, 255));
  return concat([bytes.subarray(0, at), junk, bytes.subarray(at)]);
}

function duplicateSpan(random, bytes) {
  const at = offset(bytes, random);
  const span = bytes.subarray(at, at + randomInt(random, 1, 2048));
  const to = offset(bytes, random);
  return concat([bytes.subarray(0, to), span, bytes.subarray(to)]);
}

export const MUTATIONS = [setBytes, flipBits, truncate, interestingField, deleteSpan, insertRandom, duplicateSpan];

/** `bytes` after 1 to 3 random mutations; an empty input stays empty. */
export function mutate(random, bytes) {
  let out = bytes;
  for (let n = randomInt(random, 1, 3); n > 0 && out.length > 0; n--) out = pick(random, MUTATIONS)(random, out);
  return out;
}

export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
