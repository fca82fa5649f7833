/** Levenshtein distance between two sequences (words or characters). */
export function editDistance<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** Error counts of one hypothesis against its reference; both already normalised. */
export interface ErrorCounts {
  wordErrors: number;
  words: number;
  charErrors: number;
  chars: number;
}

export function countErrors(hypothesis: string, reference: string): ErrorCounts {
  const hypWords = hypothesis.split(' ').filter(Boolean);
  const refWords = reference.split(' ').filter(Boolean);
  return {
    wordErrors: editDistance(hypWords, refWords),
    words: refWords.length,
    charErrors: editDistance(hypothesis, reference),
    chars: reference.length,
  };
}

export function addCounts(a: ErrorCounts, b: ErrorCounts): ErrorCounts {
  return { wordErrors: a.wordErrors + b.wordErrors, words: a.words + b.words, charErrors: a.charErrors + b.charErrors, chars: a.chars + b.chars };
}

export const NO_ERRORS: ErrorCounts = { wordErrors: 0, words: 0, charErrors: 0, chars: 0 };

/** Word and character error rates in percent. */
export function errorRates(counts: ErrorCounts): { wer: number; cer: number } {
  return { wer: (100 * counts.wordErrors) / Math.max(counts.words, 1), cer: (100 * counts.charErrors) / Math.max(counts.chars, 1) };
}
