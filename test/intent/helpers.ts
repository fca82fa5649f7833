/** Nine slots of ten digits each: 10^9 sentences. */
export function billionSentences(): string {
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
  const template = names.map((n, i) => `${n} $digit:${'abcdefghi'[i]}`).join(' ');
  const digits = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  return `context:\n  expressions:\n    code:\n      - "${template}"\n  slots:\n    digit:\n${digits.map((d) => `      - "${d}"`).join('\n')}\n`;
}
