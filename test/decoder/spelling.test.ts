import { describe, expect, it } from 'vitest';
import { BeamSearchDecoder, GreedyDecoder, PronunciationSpelling, UnknownWordError, type SessionOptions } from '../../src/decoder/index.js';
import { compileContext } from '../../src/intent/index.js';
import { parseArpa } from '../../src/lm/index.js';
import { posteriors, spoken, VOCABULARY } from './helpers.js';

// A toy phone model: the helpers' letters stand for phones, and words are written as these codes.
const LEXICON = ['four\tfor', 'for\tfor', 'two\ttu', 'to\ttu', 'too\ttu', 'one\twn', 'won\twn', 'set\tset', 'timer\ttymr', 'tomato\ttmato', 'tomato\ttmeito'].join('\n');
const spelling = new PronunciationSpelling(LEXICON);

// Digits follow digits; "for" starts sentences.
const LM = parseArpa(`\\data\\
ngram 1=8
ngram 2=5

\\1-grams:
-99 <s> -0.3
-1.0 for -0.3
-1.5 four -0.3
-1.2 two -0.3
-1.0 to -0.3
-1.5 one -0.3
-1.0 </s>
-3.0 <unk>

\\2-grams:
-0.3 <s> for
-0.8 <s> four
-0.1 four two
-0.1 two one
-0.1 one </s>

\\end\\
`);

function decode(text: string, session: SessionOptions = {}, lm = LM): string {
  const frames = spoken(text);
  const decoder = new BeamSearchDecoder({ vocabulary: VOCABULARY, lm, spelling, beta: 0 });
  const s = decoder.createSession(session);
  s.pushFrames(posteriors(frames), frames.length);
  return s.finish()[0]!.text;
}

describe('PronunciationSpelling', () => {
  it('writes words as their pronunciations and reads pronunciations back as their homophones', () => {
    expect(spelling.spell('tomato')).toEqual(['tmato', 'tmeito']);
    expect(spelling.spell('zebra')).toEqual([]);
    expect(spelling.homophones('tu')).toEqual(['two', 'to', 'too']);
  });

  it('reads homophones as the sentence the LM likes best, and each as its first word without an LM', () => {
    expect(spelling.read(['for', 'tu', 'wn'], LM)).toEqual(['four', 'two', 'one']);
    expect(spelling.read(['for'], LM)).toEqual(['for']);
    expect(spelling.read(['for', 'tu', 'xyz'])).toEqual(['four', 'two', '[unk]']);
  });
});

describe('decoding a phone model', () => {
  it('searches over pronunciations and reads them as words, times kept', () => {
    expect(decode('for tu wn')).toBe('four two one');
    const greedy = new GreedyDecoder({ vocabulary: VOCABULARY, spelling }).createSession();
    const frames = spoken('for tu wn');
    greedy.pushFrames(posteriors(frames), frames.length);
    const [best] = greedy.finish();
    expect(best!.text).toBe('four two one');
    expect(best!.words.map((w) => [w.start, w.end])).toEqual([[0, 5], [8, 11], [14, 17]]);
  });

  it('spells grammar phrases and hot words in every pronunciation', () => {
    expect(decode('tmeito', { grammar: ['tomato', 'set timer'] })).toBe('tomato');
    expect(decode('tmato', { grammar: ['tomato', 'set timer'] })).toBe('tomato');
    expect(decode('set tymr', { hotwords: [{ phrase: 'set timer' }] })).toBe('set timer');
  });

  it('rejects a phrase with a word the lexicon lacks, naming it', () => {
    expect(() => decode('set', { grammar: ['set zebra'] })).toThrow(UnknownWordError);
    expect(() => decode('set', { hotwords: [{ phrase: 'zebra' }] })).toThrow(/"zebra"/);
  });

  it("reads a context's homophones as the sentence it parses", () => {
    const context = compileContext(`context:
  expressions:
    setTimer:
      - "set timer to $digit:value"
  slots:
    digit:
      - "one"
      - "two"
`);
    const frames = spoken('set tymr tu tu');
    const s = new BeamSearchDecoder({ vocabulary: VOCABULARY, spelling }).createSession({ context });
    s.pushFrames(posteriors(frames), frames.length);
    const [best] = s.finish();
    expect(best!.text).toBe('set timer to two');
    expect(best!.intent).toMatchObject({ name: 'setTimer', slots: { value: 'two' } });
  });
});
