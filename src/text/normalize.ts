import { cardinal, digits, ordinal, year } from './numbers.js';

const SYMBOLS: [RegExp, string][] = [
  [/&/g, ' and '],
  [/%/g, ' percent '],
  [/\+/g, ' plus '],
  [/@/g, ' at '],
  [/°/g, ' degrees '],
];

/**
 * Brings a transcript to the model's alphabet: lower-case letters, apostrophes and single spaces,
 * with numbers spelled out. Training transcripts and evaluation references both go through it.
 */
export function normalizeText(raw: string): string {
  let s = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  s = s.replace(/[\u2018\u2019\u02bc`]/g, "'");
  s = expandMoney(s);
  for (const [pattern, words] of SYMBOLS) s = s.replace(pattern, words);
  s = expandNumbers(s);
  s = s.replace(/[^a-z' ]+/g, ' ');
  s = s.replace(/(^|\s)'+|'+(?=\s|$)/g, ' ');
  return s.replace(/\s+/g, ' ').trim();
}

function expandMoney(s: string): string {
  return s.replace(/\$(\d+)(?:\.(\d\d))?/g, (_, whole: string, cents?: string) => {
    const dollars = `${cardinal(Number(whole))} dollar${whole === '1' ? '' : 's'}`;
    return cents && Number(cents) ? `${dollars} ${cardinal(Number(cents))} cents` : dollars;
  });
}

function expandNumbers(s: string): string {
  return s
    .replace(/(\d+)(?:st|nd|rd|th)\b/g, (_, n: string) => ` ${ordinal(Number(n))} `)
    .replace(/(\d{1,2}):(\d\d)/g, (_, h: string, m: string) => ` ${clockTime(Number(h), Number(m))} `)
    .replace(/(\d+)\.(\d+)/g, (_, whole: string, frac: string) => ` ${spellNumber(whole)} point ${digits(frac)} `)
    .replace(/\d+(,\d{3})+/g, (n) => n.replace(/,/g, ''))
    .replace(/\d+/g, (n) => ` ${spellNumber(n)} `);
}

function clockTime(hours: number, minutes: number): string {
  if (minutes === 0) return `${cardinal(hours)} o'clock`;
  return `${cardinal(hours)} ${minutes < 10 ? 'oh ' + cardinal(minutes) : cardinal(minutes)}`;
}

function spellNumber(n: string): string {
  if (n.length > 1 && n.startsWith('0')) return digits(n);
  const value = Number(n);
  if (n.length === 4 && value >= 1100 && value < 2100 && value % 1000 >= 10) return year(value);
  if (n.length > 9) return digits(n);
  return cardinal(value);
}
