import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/index.js';
import { compileContext } from '../../src/intent/index.js';
import { Model, transcribeSamples } from '../../src/recognizer/index.js';
import { ROOT } from '../helpers.js';
import { billionSentences, OUT_OF_CONTEXT, STOP, TWELVE_THIRTY_THREE } from '../intent/helpers.js';

const fixture = (name: string): string => readFileSync(path.join(ROOT, 'test', 'fixtures', name), 'utf8');
const rhino = compileContext(fixture('clock.rhino.yml'));
const hassil = compileContext(fixture('clock.hassil.yml'));

let model: Model;

beforeAll(async () => {
  model = await Model.load();
});

afterAll(async () => {
  await model?.release();
});

describe('speech to intent on real speech (AN4, speechocean762)', () => {
  it('hears a command with its slots, in both context formats', async () => {
    const samples = await decodeAudioFile(TWELVE_THIRTY_THREE);
    const fromRhino = await transcribeSamples(model, samples, { context: rhino });
    expect(fromRhino.text).toBe('twelve thirty three');
    expect(fromRhino.intent).toEqual({ name: 'setTime', slots: { hours: 'twelve', minutes: 'thirty three' }, confidence: expect.any(Number) });
    expect(fromRhino.intent!.confidence).toBeGreaterThan(0.9);
    expect(fromRhino.segments[0]!.intent).toEqual(fromRhino.intent);
    const fromHassil = await transcribeSamples(model, samples, { context: hassil });
    expect(fromHassil.intent).toMatchObject({ name: 'SetTime', slots: { hours: 12, minutes: 33 } });
    expect(fromHassil.result.map((w) => w.word)).toEqual(['twelve', 'thirty', 'three']);
  });

  it('streams: createStream({ context }) finals carry the intent, with vosk-shaped words', async () => {
    const stream = model.createStream({ context: rhino });
    const samples = await decodeAudioFile(STOP);
    for (let i = 0; i < samples.length; i += 1600) await stream.acceptWaveform(samples.subarray(i, i + 1600));
    const final = await stream.finalResult();
    expect(final).toMatchObject({ text: 'stop', intent: { name: 'control', slots: { command: 'stop' } } });
    expect(final.result![0]).toMatchObject({ word: 'stop', start: expect.any(Number), end: expect.any(Number), conf: expect.any(Number) });
  });

  it('rejects speech outside the context: "[unk]" with intent null', async () => {
    const home = compileContext(readFileSync(path.join(ROOT, 'contexts', 'smart-home.rhino.yml'), 'utf8'));
    for (const file of OUT_OF_CONTEXT) {
      const samples = await decodeAudioFile(file);
      for (const context of [rhino, home]) {
        const transcript = await transcribeSamples(model, samples, { context });
        expect(transcript.intent, `${file}: ${transcript.text}`).toBeNull();
        expect(transcript.text).toBe('[unk]');
      }
    }
  });

  it('decodes real speech against 10^9 sentences in bounded time', async () => {
    const samples = await decodeAudioFile(OUT_OF_CONTEXT[0]!);
    const started = performance.now();
    const transcript = await transcribeSamples(model, samples, { context: compileContext(billionSentences()) });
    expect(transcript.intent).toBeNull();
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
