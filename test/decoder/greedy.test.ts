import { describe, expect, it } from 'vitest';
import { BeamSearchDecoder, GreedyDecoder } from '../../src/decoder/index.js';
import { posteriors, silence, spoken, VOCABULARY } from './helpers.js';

const decoder = new GreedyDecoder({ vocabulary: VOCABULARY, blank: 0 });

function decode(frames: Record<string, number>[]) {
  const session = decoder.createSession();
  session.pushFrames(posteriors(frames), frames.length);
  return session.finish();
}

describe('GreedyDecoder', () => {
  it('collapses repeats, keeps repeats split by a blank, drops blanks and splits words at spaces', () => {
    const [best] = decode([{ a: 0.9 }, { a: 0.8 }, { '-': 0.9 }, { a: 0.7 }, { b: 0.6 }, { b: 0.9 }, { ' ': 0.9 }, { ' ': 0.9 }, { c: 0.5 }, { '-': 0.9 }]);
    expect(best!.text).toBe('aab c');
    expect(best!.words).toHaveLength(2);
    expect(best!.words[0]).toMatchObject({ word: 'aab', start: 0, end: 6 });
    expect(best!.words[0]!.conf).toBeCloseTo((0.9 + 0.7 + 0.9) / 3, 6);
    expect(best!.words[1]).toMatchObject({ word: 'c', start: 8, end: 9 });
    expect(best!.words[1]!.conf).toBeCloseTo(0.5, 6);
  });

  it('scores the best path', () => {
    const [best] = decode([{ a: 0.9 }, { '-': 0.8 }]);
    expect(best!.score).toBeCloseTo(Math.log(0.9) + Math.log(0.8), 5);
  });

  it('ignores leading, trailing and repeated spaces', () => {
    expect(decode([{ ' ': 0.9 }, ...spoken('a  b '), { ' ': 0.9 }])[0]!.text).toBe('a b');
  });

  it('gives "" for silence and for no frames', () => {
    expect(decode(silence(20))[0]).toEqual({ text: '', words: [], score: expect.any(Number) });
    expect(decoder.createSession().finish()).toEqual([{ text: '', words: [], score: 0 }]);
  });

  it('peeks at provisional frames without keeping them', () => {
    const session = decoder.createSession();
    session.pushFrames(posteriors(spoken('ab')), 4);
    expect(session.peek(posteriors(spoken('c')), 2).text).toBe('abc');
    expect(session.peek().text).toBe('ab');
    session.pushFrames(posteriors(spoken('d')), 2);
    expect(session.finish()[0]!.text).toBe('abd');
  });

  it('refuses frames that do not fit and use after finish', () => {
    const session = decoder.createSession();
    expect(() => session.pushFrames(new Float32Array(VOCABULARY.length), 2)).toThrow(RangeError);
    session.finish();
    expect(() => session.peek()).toThrow(/finished/);
  });

  it('hands sessions with a grammar or hot words to the beam search', () => {
    const frames = [{ a: 0.4, '-': 0.6 }, { a: 0.4, '-': 0.6 }];
    const session = decoder.createSession({ hotwords: [{ phrase: 'zzz', boost: 1 }] });
    session.pushFrames(posteriors(frames), 2);
    const beam = new BeamSearchDecoder({ vocabulary: VOCABULARY }).createSession();
    beam.pushFrames(posteriors(frames), 2);
    expect(session.finish()).toEqual(beam.finish());
  });
});
