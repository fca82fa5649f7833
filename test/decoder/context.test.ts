import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BeamSearchDecoder, GreedyDecoder, type Hypothesis } from '../../src/decoder/index.js';
import { compileContext, type CompiledContext } from '../../src/intent/index.js';
import { ROOT } from '../helpers.js';
import { billionSentences } from '../intent/helpers.js';
import { noisyPosteriors, posteriors, silence, spoken, VOCABULARY } from './helpers.js';

const home = compileContext(readFileSync(path.join(ROOT, 'contexts', 'smart-home.rhino.yml'), 'utf8'));

function decode(logprobs: Float32Array, frames: number, context: CompiledContext = home, minIntentConfidence?: number): Hypothesis {
  const session = new GreedyDecoder({ vocabulary: VOCABULARY }).createSession({ context, minIntentConfidence });
  session.pushFrames(logprobs, frames);
  return session.finish()[0]!;
}

const frames = (text: string): [Float32Array, number] => {
  const f = [...silence(3), ...spoken(text), ...silence(3)];
  return [posteriors(f), f.length];
};

describe('context decoding', () => {
  it('decodes a command with its intent and slots', () => {
    const best = decode(...frames('dim the kitchen lights to twenty percent'));
    expect(best.text).toBe('dim the kitchen lights to twenty percent');
    expect(best.intent).toEqual({ name: 'setBrightness', slots: { room: 'kitchen', level: 'twenty percent' }, confidence: expect.closeTo(1, 2) });
  });

  it('keeps to the context where the acoustics stray from it', () => {
    const f = [...spoken('turn off the kitch'), { i: 0.8, e: 0.15 }, { '-': 0.9 }, ...spoken('n light')];
    const greedy = new GreedyDecoder({ vocabulary: VOCABULARY }).createSession();
    greedy.pushFrames(posteriors(f), f.length);
    expect(greedy.finish()[0]!.text).toBe('turn off the kitchin light');
    const best = decode(posteriors(f), f.length);
    expect(best.text).toBe('turn off the kitchen light');
    expect(best.intent?.slots).toEqual({ state: 'off', room: 'kitchen' });
    expect(best.intent!.confidence).toBeLessThan(1);
  });

  it('decodes noisy posteriors of commands', () => {
    for (const [seed, text] of ['set a timer for twenty five minutes', 'switch on bedroom lights', 'cancel the timer'].entries()) {
      const { logprobs, frames: n } = noisyPosteriors(text, seed + 1);
      expect(decode(logprobs, n).text).toBe(text);
    }
  });

  it('says "[unk]" with intent null for speech outside the context, and "" for silence', () => {
    const outside = decode(...frames('the weather is nice today'));
    expect(outside.text).toBe('[unk]');
    expect(outside.intent).toBeNull();
    const quiet = silence(20);
    expect(decode(posteriors(quiet), quiet.length)).toMatchObject({ text: '', intent: null });
  });

  it('rejects below minIntentConfidence', () => {
    const f = [...spoken('turn off the kitch'), { i: 0.8, e: 0.15 }, { '-': 0.9 }, ...spoken('n light')];
    expect(decode(posteriors(f), f.length, home, 0.99).intent).toBeNull();
  });

  it('decodes against 10^9 sentences in bounded time and memory', () => {
    const code = compileContext(billionSentences());
    const said = 'alpha seven bravo three charlie nine delta zero echo one foxtrot four golf two hotel eight india five';
    const decoder = new BeamSearchDecoder({ vocabulary: VOCABULARY });
    global.gc?.();
    const heap = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let seed = 1; seed <= 5; seed++) {
      const { logprobs, frames: n } = noisyPosteriors(said, seed);
      const session = decoder.createSession({ context: code });
      session.pushFrames(logprobs, n);
      const [best] = session.finish();
      expect(best!.text).toBe(said);
      expect(best!.intent?.slots).toMatchObject({ a: 'seven', i: 'five' });
    }
    expect(performance.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('context partials', () => {
  it('show the best sentence prefix so far, without an intent', () => {
    const session = new GreedyDecoder({ vocabulary: VOCABULARY }).createSession({ context: home });
    const f = spoken('set a timer for twen');
    session.pushFrames(posteriors(f), f.length);
    const partial = session.peek();
    expect(partial.text).toBe('set a timer for twen');
    expect(partial.intent).toBeUndefined();
  });
});
