import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket, { type ClientOptions } from 'ws';
import { resample } from '../../src/audio/index.js';
import { DEFAULT_MODEL_DIR, Model } from '../../src/recognizer/index.js';
import { countErrors } from '../../src/text/error-rate.js';
import { normalizeText } from '../../src/text/normalize.js';
import { loadSample, SAMPLES_DIR } from '../helpers.js';

export type Reply = { partial?: string; text?: string; result?: { word: string; start: number; end: number; conf: number }[]; alternatives?: { text: string }[]; error?: string };

export async function loadDefaultModel(): Promise<Model> {
  if (!existsSync(path.join(DEFAULT_MODEL_DIR, 'model.onnx'))) {
    throw new Error(`the server tests need the default model, and ${DEFAULT_MODEL_DIR}/model.onnx is missing: train and export it (training/) first`);
  }
  return Model.load(DEFAULT_MODEL_DIR);
}

/** A bundled clip as 16-bit PCM at `rate`, with its reference transcript. */
export function clip(name: string, rate = 16000): { pcm: Int16Array; reference: string } {
  const samples = loadSample(`${name}.wav`);
  const resampled = rate === 16000 ? samples : resample(samples, 16000, rate);
  const pcm = Int16Array.from(resampled, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32768))));
  return { pcm, reference: readFileSync(path.join(SAMPLES_DIR, `${name}.txt`), 'utf8') };
}

export function wordErrorRate(hypothesis: string, reference: string): number {
  const counts = countErrors(normalizeText(hypothesis), normalizeText(reference));
  return counts.wordErrors / counts.words;
}

/** The frames a client sends: `seconds` of audio each, as bytes. */
export function frames(pcm: Int16Array, rate: number, seconds: number): Buffer[] {
  const size = Math.round(rate * seconds);
  const out: Buffer[] = [];
  for (let i = 0; i < pcm.length; i += size) {
    const part = pcm.subarray(i, i + size);
    out.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
  }
  return out;
}

/** A vosk client that reads its replies in order, like the lock-step reference clients. */
export class VoskClient {
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly replies: Reply[] = [];
  private waiting?: (reply: Reply | undefined) => void;
  private isClosed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.push(JSON.parse(data.toString()) as Reply));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.isClosed = true;
        this.waiting?.(undefined);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static connect(url: string, options?: ClientOptions): Promise<VoskClient> {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), options);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new VoskClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The next reply; undefined once the server has closed the connection and none are left. */
  next(): Promise<Reply | undefined> {
    const reply = this.replies.shift();
    if (reply || this.isClosed) return Promise.resolve(reply);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Sends one frame and waits for its reply. */
  async send(frame: Buffer | string | object): Promise<Reply | undefined> {
    this.socket.send(typeof frame === 'object' && !Buffer.isBuffer(frame) ? JSON.stringify(frame) : frame);
    return this.next();
  }

  /** Sends each frame lock-step; the replies in order. */
  async stream(frameList: Buffer[]): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (const frame of frameList) replies.push((await this.send(frame))!);
    return replies;
  }

  /** Sends a text message that gets no reply (a config). */
  post(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Every reply until the server closes the connection. */
  async rest(): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (let reply = await this.next(); reply; reply = await this.next()) replies.push(reply);
    return replies;
  }

  private push(reply: Reply): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(reply);
    else this.replies.push(reply);
  }
}

export function finalsText(replies: Reply[]): string {
  return replies
    .filter((r) => r.text !== undefined || r.alternatives)
    .map((r) => r.text ?? r.alternatives![0].text)
    .join(' ');
}
