import { SAMPLE_RATE } from '../audio/format.js';
import { boostQuietAudio } from '../audio/level.js';
import { StreamingResampler } from '../audio/resample.js';
import type { DecoderSession, Hotword } from '../decoder/index.js';
import type { CompiledContext } from '../intent/index.js';
import { CausalMeanNormalizer, MfccExtractor } from '../features/index.js';
import { DEFAULT_ENDPOINT_RULES, EndpointDetector, type EndpointRules } from './endpoint.js';
import { FrameAudio } from './frame-audio.js';
import type { RecognitionModel } from './recognition-model.js';
import { ResultBuilder, type FinalResult, type PartialResult } from './results.js';
import { WindowRunner, type FrameBlock } from './window-runner.js';

export interface StreamOptions {
  /** Sample rate of the audio given to acceptWaveform, resampled inside (default 16000). */
  sampleRate?: number;
  /** Word timings and confidences in finals (default true). */
  words?: boolean;
  /** Word timings in partials (default false). */
  partialWords?: boolean;
  /** N-best list size in finals; 0 gives the plain `{text, result}` shape (default 0). */
  maxAlternatives?: number;
  /** Phrases to favour in this stream. */
  hotwords?: Hotword[];
  /** Restricts results to these phrases, like vosk's grammar; "[unk]" allows an out-of-grammar result. */
  grammar?: string[];
  /** Restricts results to a context's sentences (see compileContext); finals carry `intent`. Takes the place of `grammar`. */
  context?: CompiledContext;
  /** With a context: the intent confidence below which a final is "[unk]" with intent null (default DEFAULT_MIN_INTENT_CONFIDENCE). */
  minIntentConfidence?: number;
  /** Endpointing rules (defaults: DEFAULT_ENDPOINT_RULES). */
  endpoint?: Partial<EndpointRules>;
  /** Decode partials as audio arrives (default true). Batch transcription turns them off and only gets finals. */
  partials?: boolean;
}

/** Seconds of the first pass's silence kept before and after an utterance's speech in its final. */
const SPEECH_PADDING = 0.5;

/** Model frames per window when partials are off: fewer, larger windows cost less. */
const BATCH_CHUNK_FRAMES = 64;

/**
 * One audio stream, in the spirit of vosk's recognizer: feed audio with acceptWaveform; it returns
 * true when an utterance has ended, and result() then gives that utterance's final. partialResult()
 * is the utterance so far, finalResult() ends the stream.
 *
 * Partials come from the latency-controlled BiLSTM, window by window. Each final is decoded again
 * from a whole-utterance pass (two-pass), which is what the model does best.
 */
export class RecognizerStream {
  private readonly mfcc: MfccExtractor;
  private readonly audio: FrameAudio;
  /** MFCC frames computed since the stream began; the current utterance's are the last of them. */
  private framesComputed = 0;
  private readonly normalizer: CausalMeanNormalizer;
  private readonly resampler?: StreamingResampler;
  private readonly runner: WindowRunner;
  private readonly endpoint: EndpointDetector;
  private readonly results: ResultBuilder;
  private readonly vocab: number;
  private readonly stack: number;
  private session: DecoderSession | undefined;
  private provisional: FrameBlock = { logprobs: new Float32Array(0), frames: 0 };
  /** The current utterance's MFCC frames, before mean normalisation. */
  private utterance: Float32Array[] = [];
  /** The current utterance's start in model frames from the stream's start; dropped digital silence leaves fractions. */
  private utteranceStart = 0;
  /** Whether the current utterance began where an endpoint ended the last one, in its silence. */
  private startsAtEndpoint = false;
  private finals: FinalResult[] = [];
  private lastFinal: FinalResult = { text: '' };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly model: RecognitionModel, private readonly options: StreamOptions = {}) {
    const meta = model.metadata;
    this.mfcc = new MfccExtractor(meta.features);
    this.audio = new FrameAudio(meta.features.hop, meta.features.frameLength);
    this.normalizer = new CausalMeanNormalizer(this.mfcc.dim, meta.features.cmnWindow);
    const rate = options.sampleRate ?? SAMPLE_RATE;
    if (!(rate > 0)) throw new RangeError(`sampleRate must be positive, got ${rate}`);
    if (rate !== SAMPLE_RATE) this.resampler = new StreamingResampler(rate, SAMPLE_RATE);
    const partials = options.partials ?? true;
    const chunk = partials ? meta.streaming.chunkFrames : BATCH_CHUNK_FRAMES;
    this.runner = new WindowRunner(model.acoustic, chunk, meta.streaming.lookaheadFrames);
    this.endpoint = new EndpointDetector({ ...DEFAULT_ENDPOINT_RULES, ...options.endpoint }, meta.frameRate, meta.blank);
    this.results = new ResultBuilder(meta.frameRate);
    this.vocab = meta.vocabulary.length;
    this.stack = meta.frameStack;
    // Made even without partials, so that a phrase the model cannot write throws here, not mid-stream.
    const session = this.newSession();
    this.session = partials ? session : undefined;
  }

  /** Takes samples (float in [-1, 1], or 16-bit integers); resolves true if an utterance ended. */
  acceptWaveform(samples: Float32Array | Int16Array): Promise<boolean> {
    return this.serial(async () => {
      const floats = samples instanceof Int16Array ? Float32Array.from(samples, (s) => s / 32768) : samples;
      await this.pushAudio(this.resampler ? this.resampler.push(floats) : floats);
      return this.finals.length > 0;
    });
  }

  /** The utterance so far, in vosk's partial shape. */
  partialResult(): PartialResult {
    const best = this.session?.peek(this.provisional.logprobs, this.provisional.frames) ?? { text: '', words: [], score: 0 };
    return this.results.partial(best, this.utteranceStart, this.options.partialWords ?? false);
  }

  /** The final of the utterance that ended (after acceptWaveform resolved true), or the last one. */
  result(): FinalResult {
    this.lastFinal = this.finals.shift() ?? this.lastFinal;
    return this.lastFinal;
  }

  /** Finals queued by endpoints and not yet read with result(). */
  pendingFinals(): number {
    return this.finals.length;
  }

  /**
   * Ends the stream's current utterance with the audio given so far and returns its final. Finals
   * of earlier endpoints that were not read stay queued for result().
   */
  finalResult(): Promise<FinalResult> {
    return this.serial(async () => {
      if (this.resampler) await this.pushAudio(this.resampler.flush());
      await this.endUtterance(this.utterance.length, true);
      this.lastFinal = this.finals.pop()!;
      return this.lastFinal;
    });
  }

  /** Drops the current utterance and any finals not yet read, keeping the stream's clock. */
  reset(): Promise<void> {
    return this.serial(async () => {
      this.utteranceStart += Math.ceil(this.utterance.length / this.stack);
      this.runner.reset();
      this.startUtterance();
      this.startsAtEndpoint = false;
      this.finals = [];
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Takes 16 kHz samples into the features, keeping those of the current utterance's frames. */
  private async pushAudio(samples: Float32Array): Promise<void> {
    this.audio.append(samples);
    const frames = this.mfcc.push(samples);
    this.framesComputed += frames.length;
    await this.consumeFeatures(frames);
    this.audio.dropBefore(this.framesComputed - this.utterance.length);
  }

  /**
   * Takes MFCC frames into the first pass, mean-normalised from the start of their utterance.
   * Digital silence before an utterance only moves the clock: no recording the model learned from
   * starts with it, and it would pull the causal mean far from the speech's (measured on 40 AN4 dev
   * clips after 2 s of zeros: last-partial WER 38.1 against 7.7 for the clips alone).
   */
  private async consumeFeatures(mfccFrames: Float32Array[]): Promise<void> {
    const frames = this.utterance.length === 0 ? this.dropDigitalSilence(mfccFrames) : mfccFrames;
    this.utterance.push(...frames);
    for (const step of await this.runner.push(frames.map((frame) => this.normalizer.apply(frame)))) {
      if (this.endpoint.update(step.final.logprobs, step.final.frames, this.vocab)) {
        await this.endUtterance(this.endpoint.utteranceFrames * this.stack, false);
        return;
      }
      this.session?.pushFrames(step.final.logprobs, step.final.frames);
      this.provisional = step.provisional;
    }
  }

  private dropDigitalSilence(mfccFrames: Float32Array[]): Float32Array[] {
    const silent = this.skipDigitalSilence(mfccFrames, 0, mfccFrames.length);
    this.utteranceStart += silent / this.stack;
    return silent > 0 ? mfccFrames.slice(silent) : mfccFrames;
  }

  /** The index of the first frame in [from, to) that is not digital silence, or `to`. */
  private skipDigitalSilence(mfccFrames: Float32Array[], from: number, to: number): number {
    while (from < to && this.mfcc.isDigitalSilence(mfccFrames[from])) from++;
    return from;
  }

  /**
   * Decodes the utterance's first `featureFrames` frames from a whole-utterance pass and queues its
   * final. The frames after them (the rest of the endpoint's window, and those still waiting for
   * one) start the next utterance, normalised and run again from a fresh state. The stream's last
   * utterance always gives a final; one ended by an endpoint only when it holds speech.
   */
  private async endUtterance(featureFrames: number, endOfStream: boolean): Promise<void> {
    const carried = this.utterance.slice(featureFrames);
    const { from, to } = this.speechFrames(featureFrames, endOfStream);
    this.runner.reset();
    const hypotheses = await this.decodeWhole(this.normalizeAfresh(this.finalPassFrames(from, to)));
    const hasSpeech = hypotheses.length > 0 && hypotheses[0].text !== '';
    if (hasSpeech || endOfStream) {
      this.finals.push(this.results.final(hypotheses, this.utteranceStart + from / this.stack, this.resultOptions()));
    }
    this.utteranceStart += Math.ceil(featureFrames / this.stack);
    this.startUtterance();
    this.startsAtEndpoint = !endOfStream;
    if (carried.length > 0) await this.consumeFeatures(carried);
  }

  /**
   * The frames of the utterance's first `featureFrames` that the final decodes, mean-normalised
   * afresh from the first: after an endpoint, its speech as the first pass heard it with
   * SPEECH_PADDING seconds either side, like the clips the model was trained on (the silence an
   * endpoint leaves around speech would otherwise sway the result, measured in bench/live.mjs).
   * A stream's first utterance keeps its start, and at the end of the stream the frames not yet
   * through the first pass are kept. Digital silence at the start of those frames is left out, as
   * before an utterance (see consumeFeatures).
   */
  private speechFrames(featureFrames: number, endOfStream: boolean): { from: number; to: number } {
    const span = this.endpoint.speechSpan();
    const pad = Math.round(SPEECH_PADDING * this.model.metadata.frameRate);
    const start = span && this.startsAtEndpoint ? Math.max(0, span.start - pad) * this.stack : 0;
    const to = !span || endOfStream ? featureFrames : Math.min(featureFrames, (span.end + pad) * this.stack);
    return { from: this.skipDigitalSilence(this.utterance, start, to), to };
  }

  /**
   * The utterance's frames [from, to), taken again from boosted samples when those are quiet (see
   * boostQuietAudio): the first pass hears them as they are, the final pass as loud as training speech.
   */
  private finalPassFrames(from: number, to: number): Float32Array[] {
    const samples = this.audio.framesAudio(this.framesComputed - this.utterance.length + from, to - from);
    const boosted = boostQuietAudio(samples);
    return boosted === samples ? this.utterance.slice(from, to) : new MfccExtractor(this.model.metadata.features).push(boosted);
  }

  private normalizeAfresh(mfccFrames: Float32Array[]): Float32Array[] {
    const normalizer = new CausalMeanNormalizer(this.mfcc.dim, this.model.metadata.features.cmnWindow);
    return mfccFrames.map((frame) => normalizer.apply(frame));
  }

  private async decodeWhole(frames: Float32Array[]): Promise<ReturnType<DecoderSession['finish']>> {
    const session = this.newSession();
    if (frames.length > 0) {
      const block = await this.runner.runWhole(frames);
      session.pushFrames(block.logprobs, block.frames);
    }
    return session.finish(Math.max(1, this.options.maxAlternatives ?? 0));
  }

  private startUtterance(): void {
    this.normalizer.reset();
    this.utterance = [];
    this.provisional = { logprobs: new Float32Array(0), frames: 0 };
    this.endpoint.reset();
    if (this.session) this.session = this.newSession();
  }

  private newSession(): DecoderSession {
    const { hotwords, grammar, context, minIntentConfidence } = this.options;
    return this.model.decoder.createSession({ hotwords, grammar, context, minIntentConfidence });
  }

  private resultOptions(): { words: boolean; maxAlternatives: number } {
    return { words: this.options.words ?? true, maxAlternatives: this.options.maxAlternatives ?? 0 };
  }
}
