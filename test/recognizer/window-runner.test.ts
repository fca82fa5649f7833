import { describe, expect, it } from 'vitest';
import type { AcousticModel, ForwardState, ModelMetadata, WindowOutput } from '../../src/model/index.js';
import { concatArrays } from '../../src/audio/concat.js';
import { EndpointDetector } from '../../src/recognizer/endpoint.js';
import { WindowRunner } from '../../src/recognizer/window-runner.js';

/**
 * A stand-in acoustic model with 1-dimensional features and a 2-symbol vocabulary: each output
 * frame's first log-probability is the sum of its stacked inputs, and the state counts the chunk
 * frames seen and holds one value per view, so the tests can see exactly which frames and views
 * each window got.
 */
class RecordingModel implements AcousticModel {
  readonly calls: { chunk: number[]; lookahead: number[]; state: number; views: number }[] = [];
  readonly metadata = {
    vocabulary: ['<blank>', 'a'],
    blank: 0,
    features: { numCeps: 1 },
    frameStack: 2,
    frameRate: 50,
    layers: 1,
    hidden: 1,
    warps: [1, 0.9, 1.1],
    streaming: { chunkFrames: 2, lookaheadFrames: 1 },
  } as unknown as ModelMetadata;

  initialState(views = 1): ForwardState {
    return { h: new Float32Array(views), c: new Float32Array(views) };
  }

  async runWindow(chunk: Float32Array, lookahead: Float32Array, state: ForwardState): Promise<WindowOutput> {
    this.calls.push({ chunk: Array.from(chunk), lookahead: Array.from(lookahead), state: state.h[0], views: state.h.length });
    const frames = [...chunk, ...lookahead];
    const logprobs = new Float32Array(frames.length);
    for (let t = 0; t < frames.length / 2; t++) logprobs[2 * t] = frames[2 * t] + frames[2 * t + 1];
    const next = new Float32Array(state.h.length).fill(state.h[0] + chunk.length / 2);
    return { logprobs, chunkFrames: chunk.length / 2, lookaheadFrames: lookahead.length / 2, state: { h: next, c: next } };
  }

  async release(): Promise<void> {}
}

const frames = (values: number[]): Float32Array[] => values.map((v) => Float32Array.of(v));

describe('WindowRunner', () => {
  it('cuts chunk + look-ahead windows, advances by the chunk and carries the forward state', async () => {
    const model = new RecordingModel();
    const runner = new WindowRunner(model, 2, 1);
    const steps = await runner.push(frames([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    expect(model.calls).toEqual([
      { chunk: [1, 2, 3, 4], lookahead: [5, 6], state: 0, views: 1 },
      { chunk: [5, 6, 7, 8], lookahead: [9, 10], state: 2, views: 1 },
    ]);
    expect(steps.map((s) => [s.final.frames, s.provisional.frames])).toEqual([[2, 1], [2, 1]]);
    expect(runner.bufferedFrames).toBe(3);
  });

  it('forgets buffered frames and the carried state on reset', async () => {
    const model = new RecordingModel();
    const runner = new WindowRunner(model, 2, 1);
    await runner.push(frames([1, 2, 3, 4, 5, 6, 7]));
    runner.reset();
    expect(runner.bufferedFrames).toBe(0);
    await runner.push(frames([1, 1, 1, 1, 1, 1]));
    expect(model.calls[1].state).toBe(0);
  });

  it('runs a whole utterance as one final window from a fresh state with all the views, padding to a whole model frame', async () => {
    const model = new RecordingModel();
    const runner = new WindowRunner(model, 2, 1);
    await runner.push(frames([1, 2, 3, 4, 5, 6]));
    const block = await runner.runWhole(frames([1, 2, 3, 4, 5]));
    expect(model.calls[1]).toEqual({ chunk: [1, 2, 3, 4], lookahead: [5, 5], state: 0, views: 3 });
    expect(block.frames).toBe(3);
    expect(Array.from(block.logprobs)).toEqual([3, 0, 7, 0, 10, 0]);
  });
});

describe('EndpointDetector', () => {
  const frameRate = 10;
  const blank = Float32Array.of(0, -9);
  const speech = Float32Array.of(-9, 0);
  const run = (detector: EndpointDetector, frame: Float32Array, count: number): boolean => {
    let ended = false;
    for (let i = 0; i < count; i++) ended = detector.update(frame, 1, 2);
    return ended;
  };
  const rules = { silenceWithoutSpeech: 2, silenceAfterSpeech: 0.5, maxUtterance: 5 };

  it('ends after trailing silence that follows speech', () => {
    const detector = new EndpointDetector(rules, frameRate, 0);
    expect(run(detector, speech, 3)).toBe(false);
    expect(run(detector, blank, 4)).toBe(false);
    expect(run(detector, blank, 1)).toBe(true);
  });

  it('ends a silent utterance only after the longer silence', () => {
    const detector = new EndpointDetector(rules, frameRate, 0);
    expect(run(detector, blank, 19)).toBe(false);
    expect(run(detector, blank, 1)).toBe(true);
  });

  it('stops at the endpoint frame inside a block, and reports the span of speech', () => {
    const detector = new EndpointDetector(rules, frameRate, 0);
    const block = (...kinds: Float32Array[]) => concatArrays(Float32Array, kinds);
    expect(detector.speechSpan()).toBeUndefined();
    // 2 blanks, 3 speech, 5 blanks (the endpoint), then 4 frames that belong to the next utterance.
    const frames = [blank, blank, speech, speech, speech, ...Array(5).fill(blank), speech, speech, blank, blank];
    expect(detector.update(block(...frames), frames.length, 2)).toBe(true);
    expect(detector.utteranceFrames).toBe(10);
    expect(detector.speechSpan()).toEqual({ start: 2, end: 5 });
  });

  it('ends an utterance that reaches the maximum length', () => {
    const detector = new EndpointDetector(rules, frameRate, 0);
    expect(run(detector, speech, 49)).toBe(false);
    expect(run(detector, speech, 1)).toBe(true);
  });

  it('cuts an utterance that reaches the maximum length in the middle of its longest pause', () => {
    const detector = new EndpointDetector(rules, frameRate, 0);
    run(detector, blank, 2);
    run(detector, speech, 10);
    run(detector, blank, 2);
    run(detector, speech, 10);
    run(detector, blank, 4);
    run(detector, speech, 10);
    run(detector, blank, 3);
    expect(run(detector, speech, 9)).toBe(true);
    // The 4 blanks at frames 24-27 are the longest pause; the blanks before the first speech are no pause.
    expect(detector.utteranceFrames).toBe(26);
    expect(detector.speechSpan()).toEqual({ start: 2, end: 24 });
    detector.reset();
    expect(run(detector, speech, 50)).toBe(true);
    expect(detector.utteranceFrames).toBe(50);
  });
});
