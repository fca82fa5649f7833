import { describe, expect, it } from 'vitest';
import { BeamSearchDecoder, GreedyDecoder, PronunciationSpelling, type BeamSearchOptions, type Hypothesis, type SessionOptions } from '../../src/decoder/index.js';
import { parseArpa } from '../../src/lm/index.js';
import { noisyPosteriors, posteriors, silence, spoken, VOCABULARY } from './helpers.js';

function decode(frames: Record<string, number>[], options: Partial<BeamSearchOptions> = {}, session: SessionOptions = {}, n = 1): Hypothesis[] {
  const s = new BeamSearchDecoder({ vocabulary: VOCABULARY, ...options }).createSession(session);
  s.pushFrames(posteriors(frames), frames.length);
  return s.finish(n);
}

const text = (frames: Record<string, number>[], options: Partial<BeamSearchOptions> = {}, session: SessionOptions = {}): string =>
  decode(frames, options, session)[0]!.text;

// "the cat" is likely, "the bat" is not.
const LM = parseArpa(`\\data\\
ngram 1=6
ngram 2=4

\\1-grams:
-99 <s> -0.3
-1.0 the -0.3
-1.3 cat -0.2
-1.3 bat -0.2
-1.0 </s>
-3.0 <unk>

\\2-grams:
-0.1 <s> the
-0.2 the cat
-2.5 the bat
-0.1 cat </s>

\\end\\
`);

/** "the ?at" where the acoustics lean to "bat" (0.55) over "cat" (0.4). */
const THE_BAT_OR_CAT = [...spoken('the '), { b: 0.55, c: 0.4 }, { '-': 0.95 }, ...spoken('at')];

describe('BeamSearchDecoder', () => {
  it('sums over alignments: "a" beats the best path "" (0.64 against 0.36)', () => {
    const frames = [{ a: 0.4, '-': 0.6 }, { a: 0.4, '-': 0.6 }];
    const greedy = new GreedyDecoder({ vocabulary: VOCABULARY }).createSession();
    greedy.pushFrames(posteriors(frames), 2);
    expect(greedy.finish()[0]!.text).toBe('');
    const [best] = decode(frames);
    expect(best!.text).toBe('a');
    expect(best!.score).toBeCloseTo(Math.log(0.4 * 0.4 + 0.4 * 0.6 + 0.6 * 0.4), 5);
  });

  it('ranks distinct alternatives by their CTC probability', () => {
    const alternatives = decode([{ a: 0.6, b: 0.3, '-': 0.1 }], {}, {}, 3);
    expect(alternatives.map((h) => h.text)).toEqual(['a', 'b', '']);
    expect(alternatives.map((h) => h.score)).toEqual([Math.log(0.6), Math.log(0.3), Math.log(0.1)].map((x) => expect.closeTo(x, 5)));
  });

  it('gives word frames and confidences', () => {
    const frames = [{ h: 0.9 }, { '-': 0.9 }, { i: 0.7 }, { i: 0.8 }, { ' ': 0.9 }, { y: 0.6 }, { '-': 0.9 }, { o: 0.9 }, { '-': 0.9 }, { '-': 0.9 }];
    const [best] = decode(frames);
    expect(best!.text).toBe('hi yo');
    expect(best!.words).toEqual([
      { word: 'hi', start: 0, end: 4, conf: expect.closeTo((0.9 + 0.8) / 2, 5) },
      { word: 'yo', start: 5, end: 8, conf: expect.closeTo((0.6 + 0.9) / 2, 5) },
    ]);
  });

  it('times an emission from its most probable start', () => {
    // A weak early "a" then a strong one: the word starts at the strong one.
    const [best] = decode([{ '-': 0.9, a: 0.05 }, { '-': 0.9 }, { a: 0.95 }, { '-': 0.95 }]);
    expect(best!.words).toEqual([{ word: 'a', start: 2, end: 3, conf: expect.closeTo(0.95, 5) }]);
  });

  it('gives "" for silence', () => {
    expect(decode(silence(30))).toEqual([{ text: '', words: [], score: expect.closeTo(30 * Math.log(0.999), 3) }]);
  });

  describe('with a language model', () => {
    it('lets the LM flip acoustically close words', () => {
      expect(text(THE_BAT_OR_CAT)).toBe('the bat');
      expect(text(THE_BAT_OR_CAT, { lm: LM })).toBe('the cat');
      expect(text(THE_BAT_OR_CAT, { lm: LM, alpha: 0 })).toBe('the bat');
    });

    it('scores ln P_ctc + alpha · ln P_lm (with </s>) + beta · words', () => {
      const frames = [{ c: 0.9, '-': 0.1 }, { a: 0.999 }, { t: 0.999 }];
      const [best] = decode(frames, { lm: LM, alpha: 0.7, beta: 0.4 });
      expect(best!.text).toBe('cat');
      const ctc = Math.log(0.9 * 0.999 * 0.999);
      const lm = (-0.3 - 1.3 + -0.1) * Math.LN10; // bow(<s>) + P(cat), then P(</s> | cat)
      expect(best!.score).toBeCloseTo(ctc + 0.7 * lm + 0.4, 4);
    });

    it('penalises each character of words the LM does not know', () => {
      const frames = [{ d: 0.9, '-': 0.1 }, { o: 0.999 }, { g: 0.999 }, { ' ': 0.999 }, { c: 0.999 }, { a: 0.999 }, { t: 0.999 }];
      const [plain] = decode(frames, { lm: LM, unkPenalty: 0 });
      const [penalised] = decode(frames, { lm: LM, unkPenalty: -1.5 });
      expect(penalised!.text).toBe('dog cat');
      expect(penalised!.score).toBeCloseTo(plain!.score - 3 * 1.5, 4);
      // "ca" is a prefix of an LM word but not one: it pays when it ends.
      const [prefix] = decode(frames.slice(0, 6), { lm: LM, unkPenalty: -1.5 });
      const [prefixFree] = decode(frames.slice(0, 6), { lm: LM, unkPenalty: 0 });
      expect(prefix!.text).toBe('dog ca');
      expect(prefix!.score).toBeCloseTo(prefixFree!.score - 5 * 1.5, 4);
    });

    it('scores homophones (words written alike) as the likeliest of them after the history', () => {
      // Both "cat" and "bat" written "cat", in either order: "the cat" is scored as P(cat | the), not P(bat | the).
      for (const order of [['cat', 'bat'], ['bat', 'cat']]) {
        const spelling = new PronunciationSpelling(['the\tthe', ...order.map((w) => `${w}\tcat`)].join('\n'));
        const [best] = decode(spoken('the cat'), { lm: LM, spelling, beta: 0 });
        const [plain] = decode(spoken('the cat'), { lm: LM, beta: 0 });
        expect(best!.score).toBeCloseTo(plain!.score, 6);
      }
    });

    it('restores word boundaries the acoustics run together', () => {
      const space = { ' ': 0.4, '-': 0.59 };
      const frames = [...spoken('zork'), space, ...spoken('the'), space, ...spoken('cat'), space, ...spoken('the'), space, ...spoken('cat')];
      expect(text(frames)).toBe('zorkthecatthecat');
      expect(text(frames, { lm: LM })).toBe('zork the cat the cat');
    });
  });

  describe('hot words', () => {
    it('boost a phrase into the result, and do nothing at boost 0', () => {
      const plain = decode(THE_BAT_OR_CAT)[0]!;
      expect(text(THE_BAT_OR_CAT, {}, { hotwords: [{ phrase: 'cat', boost: 3 }] })).toBe('the cat');
      expect(text(THE_BAT_OR_CAT, {}, { hotwords: [{ phrase: 'Cat!' }] })).toBe('the cat');
      expect(decode(THE_BAT_OR_CAT, {}, { hotwords: [{ phrase: 'cat', boost: 0 }] })).toEqual([plain]);
    });

    it('boost each completed word of a phrase in sequence', () => {
      const frames = [...spoken('hey '), { j: 0.5, g: 0.45 }, { '-': 0.95 }, ...spoken('arvis')];
      expect(text(frames)).toBe('hey jarvis');
      expect(text(frames, {}, { hotwords: [{ phrase: 'hey garvis', boost: 1.5 }] })).toBe('hey garvis');
      // Without "hey" first, "garvis" is not in the phrase sequence and gets nothing.
      const alone = [{ j: 0.5, g: 0.45 }, { '-': 0.95 }, ...spoken('arvis')];
      expect(text(alone, {}, { hotwords: [{ phrase: 'hey garvis', boost: 1.5 }] })).toBe('jarvis');
      expect(text(alone, {}, { hotwords: [{ phrase: 'garvis', boost: 1.5 }] })).toBe('garvis');
    });

    it('count as known words for the LM: no spelling penalty', () => {
      // "cab" is not in the LM: without the exemption it would pay 3 × 2 and lose to "cat".
      const frames = [...spoken('ca'), { t: 0.6, b: 0.35 }, { '-': 0.95 }];
      expect(text(frames, { lm: LM, unkPenalty: -2 })).toBe('cat');
      expect(text(frames, { lm: LM, unkPenalty: -2 }, { hotwords: [{ phrase: 'cab', boost: 3 }] })).toBe('cab');
    });

    it('keep a hot word alive through its prefix', () => {
      // With 2 prefixes, "the b" is third after "the c" and "the p" and would be dropped before "bat" completes.
      const frames = [...spoken('the '), { c: 0.45, p: 0.3, b: 0.2 }, { '-': 0.95 }, ...spoken('at')];
      expect(text(frames, { beam: 2 })).toBe('the cat');
      expect(text(frames, { beam: 2 }, { hotwords: [{ phrase: 'bat', boost: 3 }] })).toBe('the bat');
    });
  });

  describe('grammar', () => {
    const grammar = ['yes', 'no', 'Turn ON the light'];

    it('restricts the result to a phrase', () => {
      expect(text([...spoken('yeah')], {}, { grammar })).toBe('yes');
      expect(text([...spoken('turn on the lights')], {}, { grammar })).toBe('turn on the light');
      expect(text([...spoken('no ')], {}, { grammar })).toBe('no');
    });

    it('scores every whole phrase, so a phrase whose prefix trails midway still wins', () => {
      // With a beam of 1 the search keeps only "c" after the first frame; "ab" (0.36) beats "cd" (0.06).
      const frames = [{ a: 0.4, c: 0.6 }, { '-': 0.99 }, { b: 0.9, d: 0.1 }];
      expect(text(frames, { beam: 1 }, { grammar: ['ab', 'cd'] })).toBe('ab');
    });

    it('times the phrase by its best alignment', () => {
      const [result] = decode([...silence(3), ...spoken('no'), ...spoken('yes')], {}, { grammar: ['yes', 'no yes'] });
      expect(result!.words).toEqual([
        { word: 'no', start: 3, end: 6, conf: expect.closeTo(0.95, 5) },
        { word: 'yes', start: 7, end: 12, conf: expect.closeTo(0.95, 5) },
      ]);
    });

    it('adds hot-word boosts to the phrases they occur in', () => {
      const frames = [{ y: 0.5, n: 0.45 }, { '-': 0.9 }, { e: 0.5, o: 0.45 }, { '-': 0.9 }, { s: 0.5, '-': 0.45 }];
      expect(text(frames, {}, { grammar })).toBe('yes');
      expect(text(frames, {}, { grammar, hotwords: [{ phrase: 'no', boost: 2 }] })).toBe('no');
    });

    it('ignores the LM', () => {
      expect(text(THE_BAT_OR_CAT, { lm: LM }, { grammar: ['the cat', 'the bat'] })).toBe('the bat');
    });

    it('gives "[unk]" for speech out of the grammar when allowed', () => {
      const maybe = [...silence(10), ...spoken('maybe'), ...silence(10)];
      expect(text(maybe, {}, { grammar })).not.toBe('[unk]');
      const [unknown, ...others] = decode(maybe, {}, { grammar: [...grammar, '[unk]'] }, 3);
      expect(unknown!.text).toBe('[unk]');
      expect(unknown!.words).toEqual([{ word: '[unk]', start: 10, end: 19, conf: expect.closeTo(0.95, 5) }]);
      expect(others.map((h) => h.text)).toHaveLength(2);
      expect(text([...spoken('yes')], {}, { grammar: [...grammar, '[UNK]'] })).toBe('yes');
    });

    it('gives "" for silence', () => {
      expect(text(silence(20), {}, { grammar: ['yes', '[unk]'] })).toBe('');
    });

    it('gives n-best phrases', () => {
      const alternatives = decode([{ y: 0.5, n: 0.45 }, { '-': 0.9 }, { e: 0.5, o: 0.45 }, { '-': 0.9 }, { s: 0.5, '-': 0.45 }], {}, { grammar }, 5);
      expect(alternatives.map((h) => h.text)).toEqual(['yes', 'no']);
    });
  });

  describe('streaming', () => {
    const { logprobs, frames } = noisyPosteriors('turn on the kitchen lights and play some music please', 7);
    const size = VOCABULARY.length;
    const options = { lm: LM, beam: 16 };

    it('gives the same result whatever the chunking', () => {
      const whole = new BeamSearchDecoder({ vocabulary: VOCABULARY, ...options }).createSession();
      whole.pushFrames(logprobs, frames);
      const expected = whole.finish(4);
      let seed = 1;
      for (let trial = 0; trial < 5; trial++) {
        const session = new BeamSearchDecoder({ vocabulary: VOCABULARY, ...options }).createSession();
        for (let f = 0; f < frames; ) {
          seed = (seed * 48271) % 2147483647;
          const n = Math.min(frames - f, seed % 9);
          session.pushFrames(logprobs.subarray(f * size), n);
          f += n;
        }
        expect(session.finish(4)).toEqual(expected);
      }
    });

    it('peeks at provisional frames without keeping them', () => {
      const split = Math.floor(frames / 2);
      const lookahead = 6;
      const session = new BeamSearchDecoder({ vocabulary: VOCABULARY, ...options }).createSession();
      session.pushFrames(logprobs, split);
      const provisional = new Float32Array(lookahead * size).fill(Math.log(1 / size));
      const peeked = session.peek(provisional, lookahead);

      const committed = new BeamSearchDecoder({ vocabulary: VOCABULARY, ...options }).createSession();
      committed.pushFrames(logprobs, split);
      committed.pushFrames(provisional, lookahead);
      expect(peeked).toEqual(committed.finish()[0]);

      session.pushFrames(logprobs.subarray(split * size), frames - split);
      const untouched = new BeamSearchDecoder({ vocabulary: VOCABULARY, ...options }).createSession();
      untouched.pushFrames(logprobs, frames);
      expect(session.finish(3)).toEqual(untouched.finish(3));
    });
  });
});
