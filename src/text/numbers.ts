const ONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: [number, string][] = [
  [1e12, 'trillion'],
  [1e9, 'billion'],
  [1e6, 'million'],
  [1e3, 'thousand'],
];

/** English words for a non-negative integer ("one hundred twenty three"). */
export function cardinal(n: number): string {
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? ' ' + ONES[n % 10] : '');
  if (n < 1000) return ONES[Math.floor(n / 100)] + ' hundred' + (n % 100 ? ' ' + cardinal(n % 100) : '');
  for (const [value, name] of SCALES) {
    if (n >= value) {
      const rest = n % value;
      return cardinal(Math.floor(n / value)) + ' ' + name + (rest ? ' ' + cardinal(rest) : '');
    }
  }
  throw new Error(`unreachable: ${n}`);
}

/** Years are read in pairs: 1995 "nineteen ninety five", 2008 "two thousand eight", 1900 "nineteen hundred". */
export function year(n: number): string {
  if (n >= 2000 && n < 2010) return cardinal(n);
  const high = Math.floor(n / 100);
  const low = n % 100;
  if (low === 0) return cardinal(high) + ' hundred';
  return cardinal(high) + ' ' + (low < 10 ? 'oh ' + ONES[low] : cardinal(low));
}

const ORDINAL_WORDS: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

export function ordinal(n: number): string {
  const words = cardinal(n).split(' ');
  const last = words.pop()!;
  const converted = ORDINAL_WORDS[last] ?? (last.endsWith('y') ? last.slice(0, -1) + 'ieth' : last + 'th');
  return [...words, converted].join(' ');
}

/** Digit by digit, for long digit strings such as phone numbers. */
export function digits(s: string): string {
  return [...s].map((d) => ONES[Number(d)]).join(' ');
}
