#!/usr/bin/env node
// Spelled words, digit strings, numbers and dates as people say them, one per line, as LM text.
// Mixed into an LM beside book text, these lines keep spelled letters and digit strings from losing
// to short common words. The spelled words are drawn from the 40,000 commonest words of TEXT_FILE.
// Run after `npm run build`:
//   node training/spoken_forms.mjs COUNT SEED TEXT_FILE... > spoken.txt
import { readFile } from 'node:fs/promises';
import { pick as pickWith, randomInt, seededRandom } from '../bench/fuzz/mutations.mjs';
import { cardinal, digits, ordinal, year } from '../dist/text/numbers.js';

const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const MONTHS = 'january february march april may june july august september october november december'.split(' ');
const SPELLING_LEADS = ['my name is', 'it is spelled', 'spell', 'that is', 'the word is'];
const NUMBER_LEADS = ['call', 'dial', 'the number is', 'my number is', 'enter', 'code'];

const [count, seed, ...textFiles] = process.argv.slice(2);
if (textFiles.length === 0) {
  console.error('usage: node training/spoken_forms.mjs COUNT SEED TEXT_FILE... > spoken.txt');
  process.exit(2);
}
const random = seededRandom(Number(seed));
const int = (min, max) => randomInt(random, min, max);
const pick = (items) => pickWith(random, items);

const words = commonestWords(await Promise.all(textFiles.map((f) => readFile(f, 'utf8'))), 40000);
const spelled = () => [...pick(words)].join(' ');
// People read zero in a digit string as "oh" as often as "zero".
const digitString = (min, max) =>
  digits(Array.from({ length: int(min, max) }, () => String(int(0, 9))).join('')).replace(/zero/g, () => pick(['oh', 'zero']));
const numberGroups = () =>
  Array.from({ length: int(1, 3) }, () => pick([() => cardinal(int(10, 99)), () => digitString(1, 3), () => cardinal(int(100, 999))])()).join(' ');
const letters = () => Array.from({ length: int(1, 6) }, () => pick(LETTERS)).join(' ');
const day = () => pick([ordinal, cardinal])(int(1, 31));

/** Each kind of line, with its share of the output. */
const KINDS = [
  [0.35, spelled],
  [0.1, () => `${pick(SPELLING_LEADS)} ${spelled()}`],
  [0.15, () => digitString(2, 10)],
  [0.1, numberGroups],
  [0.1, () => `${letters()} ${numberGroups()}`],
  [0.1, () => [pick(MONTHS), day(), ...(random() < 0.5 ? [year(int(1900, 2030))] : [])].join(' ')],
  [0.1, () => `${pick(NUMBER_LEADS)} ${pick([() => digitString(3, 10), numberGroups])()}`],
];

const lines = [];
for (let i = 0; i < Number(count); i++) lines.push(pickKind()());
process.stdout.write(lines.join('\n') + '\n');

function pickKind() {
  let r = random();
  for (const [share, make] of KINDS) {
    if ((r -= share) < 0) return make;
  }
  return KINDS[KINDS.length - 1][1];
}

function commonestWords(texts, limit) {
  const counts = new Map();
  for (const text of texts) {
    for (const [word] of text.matchAll(/[A-Za-z]{2,}/g)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([word]) => word.toLowerCase());
}
