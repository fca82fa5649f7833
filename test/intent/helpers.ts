/** Nine slots of ten digits each: 10^9 sentences. */
export function billionSentences(): string {
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
  const template = names.map((n, i) => `${n} $digit:${'abcdefghi'[i]}`).join(' ');
  const digits = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  return `context:\n  expressions:\n    code:\n      - "${template}"\n  slots:\n    digit:\n${digits.map((d) => `      - "${d}"`).join('\n')}\n`;
}

/** AN4 test recordings (real speech) that say clock times and commands. */
export const AN4_AUDIO = '/work/shared/corpora/an4/audio';
export const TWELVE_THIRTY_THREE = `${AN4_AUDIO}/miry/cen3-miry-b.opus`;
export const STOP = `${AN4_AUDIO}/mjgm/an440-mjgm-b.opus`;
/** speechocean762 dev sentences, outside every context here. */
export const OUT_OF_CONTEXT = ['so762_1135/011350001', 'so762_9555/095550027', 'so762_0457/004570010'].map(
  (id) => `/work/shared/corpora/speechocean762/audio/${id}.opus`,
);
