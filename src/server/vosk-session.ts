import { randomUUID } from 'node:crypto';
import { PcmStream, SAMPLE_RATE } from '../audio/index.js';
import { UnknownWordError } from '../decoder/index.js';
import type { FinalResult, Model, PartialResult, RecognizerStream } from '../recognizer/index.js';
import { DEFAULT_CONFIG, finalText, parseClientMessage, ProtocolError, shiftTimes, type SessionConfig } from './protocol.js';
import type { SessionSource, TranscriptEvent } from './subscribers.js';

export type ServerReply = FinalResult | PartialResult | { error: string };

/** What to send back for one client message. */
export interface Replies {
  /** JSON replies, in order. */
  messages: ServerReply[];
  /** The client sent eof: close once they are sent. */
  end: boolean;
}

export interface VoskSessionOptions {
  source: SessionSource;
  /** Settings before the client's first config (default DEFAULT_CONFIG). */
  config?: Partial<SessionConfig>;
  /** Receives the session's transcript events. */
  publish: (event: TranscriptEvent) => void;
}

const NO_REPLIES: Replies = { messages: [], end: false };

/**
 * One vosk-protocol session, independent of the socket: messages in, replies out, transcript events
 * to `publish`. Messages are handled one at a time in arrival order. Word times count from the
 * session's start, across config changes.
 */
export class VoskSession {
  readonly id = randomUUID();
  private config: SessionConfig;
  private stream!: RecognizerStream;
  private pcm!: PcmStream;
  /** Finals not sent yet: each is the reply to a later binary frame, or goes with eof or reset. */
  private readonly unsent: FinalResult[] = [];
  /** Seconds of the session before the current stream started. */
  private streamOffset = 0;
  /** 16 kHz samples given to the current stream. */
  private streamSamples = 0;
  private utteranceHasAudio = false;
  private lastPartial = '';
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private closed = false;
  /** Subscribers hear of a session from its first audio, once the client has announced its rate. */
  private started = false;

  constructor(
    private readonly model: Model,
    private readonly options: VoskSessionOptions,
  ) {
    this.config = { ...DEFAULT_CONFIG, ...options.config };
    this.startStream(this.streamFor(this.config));
  }

  /** The rate of the client's audio, as set by the configs handled so far. */
  get sampleRate(): number {
    return this.config.sampleRate;
  }

  /** Messages received and not yet handled. */
  get backlog(): number {
    return this.queued;
  }

  /**
   * Handles a message once those received before it are done. A binary frame (16-bit PCM) gets
   * exactly one reply; config none unless refused; eof and reset the final.
   */
  receive(message: Uint8Array | string): Promise<Replies> {
    this.queued++;
    const run = this.queue.then(() => (this.closed ? NO_REPLIES : this.handle(message))).finally(() => this.queued--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the session; messages still queued are dropped. */
  close(): void {
    if (this.closed) return;
    if (this.started) this.publish({ type: 'session-end' });
    this.closed = true;
  }

  private async handle(message: Uint8Array | string): Promise<Replies> {
    if (typeof message !== 'string') return { messages: [await this.acceptAudio(message)], end: false };
    try {
      const parsed = parseClientMessage(message);
      if (parsed.type === 'config') return await this.reconfigure(parsed.config);
      return { messages: await this.endUtterance(), end: parsed.type === 'eof' };
    } catch (error) {
      if (error instanceof ProtocolError || error instanceof UnknownWordError) return { messages: [{ error: error.message }], end: false };
      throw error;
    }
  }

  private async acceptAudio(bytes: Uint8Array): Promise<ServerReply> {
    if (!this.started) this.announce();
    await this.feed(this.pcm.push(bytes));
    return this.unsent.shift() ?? this.partial();
  }

  /**
   * A config takes effect for the audio after it: the utterance so far is finalised (its final is
   * the reply to the next binary frame) and a new stream starts with the new settings.
   */
  private async reconfigure(config: Partial<SessionConfig>): Promise<Replies> {
    const next = { ...this.config, ...config };
    const stream = this.streamFor(next);
    if (this.utteranceHasAudio) {
      const final = await this.finishUtterance();
      if (finalText(final)) this.unsent.push(final);
    }
    this.config = next;
    this.streamOffset += this.streamSamples / SAMPLE_RATE;
    this.startStream(stream);
    return NO_REPLIES;
  }

  /** Finals for eof and reset: those not sent yet, then the last utterance's (skipped if empty after others). */
  private async endUtterance(): Promise<ServerReply[]> {
    const final = await this.finishUtterance();
    const replies: ServerReply[] = this.unsent.splice(0);
    if (replies.length === 0 || finalText(final)) replies.push(final);
    return replies;
  }

  private async finishUtterance(): Promise<FinalResult> {
    await this.feed(this.pcm.flush());
    return this.addFinal(await this.stream.finalResult());
  }

  private async feed(samples: Float32Array): Promise<void> {
    if (samples.length === 0) return;
    this.utteranceHasAudio = true;
    this.streamSamples += samples.length;
    await this.stream.acceptWaveform(samples);
    while (this.stream.pendingFinals() > 0) this.unsent.push(this.addFinal(this.stream.result()));
  }

  private addFinal(streamFinal: FinalResult): FinalResult {
    const final = shiftTimes(streamFinal, this.streamOffset);
    this.utteranceHasAudio = false;
    this.lastPartial = '';
    const text = finalText(final);
    if (text) this.publish({ type: 'final', ...final, text });
    return final;
  }

  private partial(): PartialResult {
    const partial = this.stream.partialResult();
    if (partial.partial !== this.lastPartial) {
      this.lastPartial = partial.partial;
      this.publish({ type: 'partial', partial: partial.partial });
    }
    return partial;
  }

  private announce(): void {
    this.started = true;
    const { source } = this.options;
    this.publish({ type: 'session-start', source, sampleRate: this.config.sampleRate, startedAt: new Date().toISOString() });
  }

  /** A stream with the config's settings; throws UnknownWordError for a phrase list the model cannot write. */
  private streamFor(config: SessionConfig): RecognizerStream {
    const { words, maxAlternatives, phraseList, context } = config;
    return this.model.createStream({ words, maxAlternatives, grammar: phraseList, context });
  }

  private startStream(stream: RecognizerStream): void {
    this.stream = stream;
    this.pcm = new PcmStream({ sampleRate: this.config.sampleRate, encoding: 'int16le' });
    this.streamSamples = 0;
    this.utteranceHasAudio = false;
  }

  /** Nothing after session-end, though a message being handled at close still finishes. */
  private publish(event: DistributiveOmit<TranscriptEvent, 'session'>): void {
    if (this.closed) return;
    const { type, ...fields } = event;
    this.options.publish({ type, session: this.id, ...fields } as TranscriptEvent);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
