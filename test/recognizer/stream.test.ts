import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/index.js';
import { concatArrays } from '../../src/audio/concat.js';
import { Model, transcribeSamples, type FinalResult, type WordResult } from '../../src/recognizer/index.js';
import { countErrors } from '../../src/text/error-rate.js';
import { loadSample, seededRandom } from '../helpers.js';
import { expectWordErrorRateAtMost } from '../accuracy.js';

const CLIP = 'cathy-arctic_a0040.wav';
const REFERENCE = 'i suppose you wonder why she is coming up here';
const wer = (text: string | undefined): number => {
  const c = countErrors(text ?? '', REFERENCE);
  return c.wordErrors / c.words;
};

/** The longest common subsequence of two word lists, as pairs of the matching words. */
function commonWords(a: WordResult[], b: WordResult[]): [WordResult, WordResult][] {
  const length = a.map(() => new Array<number>(b.length + 1).fill(0));
  length.push(new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      length[i][j] = a[i].word === b[j].word ? length[i + 1][j + 1] + 1 : Math.max(length[i + 1][j], length[i][j + 1]);
    }
  }
  const pairs: [WordResult, WordResult][] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i].word === b[j].word) pairs.push([a[i++], b[j++]]);
    else if (length[i + 1][j] >= length[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

describe('RecognizerStream on the shipped model', () => {
  let model: Model;
  const samples = loadSample(CLIP);
  beforeAll(async () => {
    model = await Model.load();
  });
  afterAll(() => model.release());

  async function streamInPieces(pieces: (i: number) => number, input = samples, sampleRate = 16000) {
    const stream = model.createStream({ sampleRate });
    const partials: string[] = [];
    for (let i = 0; i < input.length; ) {
      const size = pieces(i);
      await stream.acceptWaveform(input.subarray(i, i + size));
      partials.push(stream.partialResult().partial);
      i += size;
    }
    return { partials, final: await stream.finalResult() };
  }

  it('gives partials while audio arrives and a final with word timings', async () => {
    const { partials, final } = await streamInPieces(() => 1600);
    expect(partials.filter(Boolean).length).toBeGreaterThan(3);
    expectWordErrorRateAtMost(wer(final.text), 0.35);
    const words = final.result!;
    expect(words.map((w) => w.word).join(' ')).toBe(final.text);
    for (let i = 1; i < words.length; i++) expect(words[i].start).toBeGreaterThanOrEqual(words[i - 1].end - 0.001);
    expect(words[words.length - 1].end).toBeLessThanOrEqual(samples.length / 16000 + 0.05);
  });

  it('gives the same final for any chunking of the audio', async () => {
    const random = seededRandom(11);
    const a = await streamInPieces(() => 1 + Math.floor(random() * 5000));
    const b = await streamInPieces(() => 16000);
    expect(a.final).toEqual(b.final);
  });

  it('resamples 48 kHz and 8 kHz input, and takes 16-bit integers', async () => {
    const at48k = await streamInPieces(() => 4800, resample(samples, 16000, 48000), 48000);
    expectWordErrorRateAtMost(wer(at48k.final.text), 0.35);
    const at8k = await streamInPieces(() => 800, resample(samples, 16000, 8000), 8000);
    expectWordErrorRateAtMost(wer(at8k.final.text), 0.6);
    const stream = model.createStream();
    await stream.acceptWaveform(Int16Array.from(samples, (s) => Math.round(s * 32767)));
    expectWordErrorRateAtMost(wer((await stream.finalResult()).text), 0.35);
  });

  it('ends an utterance at a pause: two sentences with silence between give two finals, timed from stream start', async () => {
    const gap = new Float32Array(16000 * 2);
    const joined = new Float32Array(samples.length * 2 + gap.length);
    joined.set(samples);
    joined.set(samples, samples.length + gap.length);
    const stream = model.createStream();
    const finals: FinalResult[] = [];
    for (let i = 0; i < joined.length; i += 1600) {
      if (await stream.acceptWaveform(joined.subarray(i, i + 1600))) finals.push(stream.result());
    }
    finals.push(await stream.finalResult());
    const spoken = finals.filter((f) => f.text);
    expect(spoken).toHaveLength(2);
    expect(spoken[1].result![0].start).toBeGreaterThan((samples.length + gap.length) / 16000 - 0.5);
  });

  it('splits at a pause shorter than a batch window when partials are off, and decodes each sentence like the clip alone', async () => {
    // 1.5 s of quiet-room noise: less than one 64-frame batch window, which once held both sentences.
    const random = seededRandom(5);
    const gap = Float32Array.from({ length: 24000 }, () => 0.001 * (random() * 2 - 1));
    const joined = concatArrays(Float32Array, [samples, gap, samples, gap]);
    for (const partials of [false, true]) {
      const stream = model.createStream({ partials });
      const finals: FinalResult[] = [];
      for (let i = 0; i < joined.length; i += 8000) {
        if (await stream.acceptWaveform(joined.subarray(i, i + 8000))) while (stream.pendingFinals() > 0) finals.push(stream.result());
      }
      finals.push(await stream.finalResult());
      const spoken = finals.filter((f) => f.text);
      expect(spoken).toHaveLength(2);
      for (const final of spoken) expectWordErrorRateAtMost(wer(final.text), 0.35);
    }
  });

  it('hears a clip after digital silence as well as the clip alone, in partials and final, with word times 2 s later', async () => {
    const alone = await streamInPieces(() => 1600);
    const { partials, final } = await streamInPieces(() => 1600, concatArrays(Float32Array, [new Float32Array(32000), samples]));
    // Within a word of ten: the frames that straddle the silence's end differ from the clip's first.
    expect(wer(partials.at(-1))).toBeLessThanOrEqual(wer(alone.partials.at(-1)) + 0.1);
    expect(wer(final.text)).toBeLessThanOrEqual(wer(alone.final.text) + 0.1);
    expectWordErrorRateAtMost(wer(final.text), 0.35);
    // A word or two near the start are the clip's least certain ("suppose" heard as "pose you" or
    // "cozy"), so times are compared on the words the two finals share, aligned as a common subsequence.
    const shared = commonWords(final.result!, alone.final.result!);
    expect(shared.length).toBeGreaterThanOrEqual(final.result!.length - 1);
    for (const [w, a] of shared) expect(w.start).toBeCloseTo(a.start + 2, 1);
  });

  it('shapes results like vosk: words off, alternatives, reset', async () => {
    const plain = model.createStream({ words: false });
    await plain.acceptWaveform(samples);
    expect(Object.keys(await plain.finalResult())).toEqual(['text']);
    const nbest = model.createStream({ maxAlternatives: 3 });
    await nbest.acceptWaveform(samples);
    const alternatives = (await nbest.finalResult()).alternatives!;
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives.length).toBeLessThanOrEqual(3);
    expect(alternatives[0]).toHaveProperty('confidence');
    const reset = model.createStream();
    await reset.acceptWaveform(samples);
    await reset.reset();
    expect(reset.partialResult().partial).toBe('');
    expect((await reset.finalResult()).text).toBe('');
  });

  it('transcribes a whole recording', async () => {
    const transcript = await transcribeSamples(model, samples);
    expectWordErrorRateAtMost(wer(transcript.text), 0.35);
    expect(transcript.duration).toBeCloseTo(samples.length / 16000, 3);
    expect(transcript.segments).toHaveLength(1);
  });

  /** The clip as a 16-bit recording made 40 dB too quietly. */
  const quiet = samples.map((s) => Math.round(s * 0.01 * 32768) / 32768);

  it("gives a live stream made 40 dB too quietly a final as right as the original's, from a boosted final pass", async () => {
    const errorsOf = async (input: Float32Array) => countErrors((await streamInPieces(() => 1600, input)).final.text ?? '', REFERENCE).wordErrors;
    // Within a word: at 40 dB down the recording keeps only about 8 of its 16 bits, and the clip's
    // first words, its least certain, come out differently but no less wrong ("is posey" and "a cosy").
    expect(await errorsOf(quiet)).toBeLessThanOrEqual((await errorsOf(samples)) + 1);
  });

  it('transcribes a 16-bit recording made 40 dB too quietly as right as the original, within a word', async () => {
    // Unboosted, most of its words are lost under the features' floor. The first word, the clip's least
    // certain, comes out differently but no less wrong ("this posey" and "i posey").
    const errorsOf = async (input: Float32Array) => countErrors((await transcribeSamples(model, input)).text, REFERENCE).wordErrors;
    expect(await errorsOf(quiet)).toBeLessThanOrEqual((await errorsOf(samples)) + 1);
  });
});
