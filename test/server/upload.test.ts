import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/recognizer/index.js';
import { createServer, type RunningServer } from '../../src/server/index.js';
import { CORRUPT_WAV, SAMPLES_DIR } from '../helpers.js';
import { expectWordErrorRateAtMost } from '../accuracy.js';
import { loadDefaultModel, VoskClient, wordErrorRate } from './helpers.js';

const CLIP = 'cathy-arctic_a0040';
const WAV = readFileSync(path.join(SAMPLES_DIR, `${CLIP}.wav`));
const REFERENCE = readFileSync(path.join(SAMPLES_DIR, `${CLIP}.txt`), 'utf8');

type Transcript = { text: string; result: { word: string; start: number; end: number; conf: number }[]; duration: number };

let model: Model;
let server: RunningServer;
let endpoint: string;

beforeAll(async () => {
  model = await loadDefaultModel();
  server = await createServer({ model, port: 0, maxUploadBytes: 2 * WAV.length });
  endpoint = `${server.url}transcribe`;
});

afterAll(async () => {
  await server?.close();
  await model?.release();
});

async function post(body: BodyInit, url = endpoint, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('POST /transcribe', () => {
  it('transcribes a WAV sent as the body, with vosk-style words and the duration', async () => {
    const { status, json } = await post(WAV);
    expect(status).toBe(200);
    const transcript = json as Transcript;
    expectWordErrorRateAtMost(wordErrorRate(transcript.text, REFERENCE), 0.35);
    expect(transcript.result.map((w) => w.word).join(' ')).toBe(transcript.text);
    expect(transcript.duration).toBeCloseTo((WAV.length - 44) / 2 / 16000, 1);
  });

  it("takes the file from a multipart form's 'file' field, as curl -F and whisper.cpp clients send it", async () => {
    const form = new FormData();
    form.append('response_format', 'json');
    form.append('file', new Blob([WAV], { type: 'audio/wav' }), `${CLIP}.wav`);
    const [fromForm, fromBody] = await Promise.all([post(form), post(WAV)]);
    expect(fromForm.status).toBe(200);
    expect(fromForm.json).toEqual(fromBody.json);

    const noFile = new FormData();
    noFile.append('audio', new Blob([WAV]), 'x.wav');
    expect(await post(noFile)).toEqual({ status: 400, json: { error: "the form has no 'file' field" } });
  });

  it('transcribes a file cut short as far as it goes, with a warning that says so', async () => {
    const cut = WAV.subarray(0, 44 + 2 * 16000);
    const { status, json } = await post(cut);
    expect(status).toBe(200);
    expect(json.duration).toBe(1);
    const seconds = ((WAV.length - 44) / 2 / 16000).toFixed(2);
    expect(json.warning).toBe(`truncated: the header says ${seconds} s, the file holds 1.00 s`);
    expect((await post(WAV)).json.warning).toBeUndefined();
  });

  it('answers 415 for a corrupt file and goes on serving', async () => {
    const corrupt = await post(CORRUPT_WAV);
    expect(corrupt.status).toBe(415);
    expect(corrupt.json.error).toBe('file ends inside the header, before the data chunk');
    expect((await post(WAV)).status).toBe(200);
  });

  it('answers 413 for a file over maxUploadBytes, whether it states its length or streams it', async () => {
    const big = Buffer.concat([WAV, WAV, WAV]);
    expect(await post(big)).toEqual({ status: 413, json: { error: `the upload is larger than ${2 * WAV.length} bytes` } });
    const streamed = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 65536) controller.enqueue(big.subarray(i, i + 65536));
        controller.close();
      },
    });
    expect((await post(streamed)).status).toBe(413);
    expect((await post(WAV)).status).toBe(200);
  });

  it('answers 405 to other methods', async () => {
    const response = await fetch(endpoint);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it("refuses another site's page without a token, as the WebSocket endpoints do", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(endpoint, { method: 'POST', headers: { origin: 'http://elsewhere.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject);
      request.end(WAV);
    });
    expect(status).toBe(403);
  });
});

describe('POST /transcribe with a token and one session place', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await createServer({ model, port: 0, token: 'sesame', maxSessions: 1 });
  });
  afterAll(() => limited?.close());

  it('needs the token, and shares the session places with WebSocket streams (503 when they are taken)', async () => {
    const url = `${limited.url}transcribe`;
    expect((await post(WAV, url)).status).toBe(401);
    const bearer = { authorization: 'Bearer sesame' };
    expect((await post(WAV, url, bearer)).status).toBe(200);

    const stream = await VoskClient.connect(`${limited.url}?token=sesame`);
    expect(await post(WAV, url, bearer)).toEqual({ status: 503, json: { error: 'server busy: every audio session is in use' } });
    stream.socket.close();
    await stream.closed;
    expect((await post(WAV, `${url}?token=sesame`)).status).toBe(200);
  });

  it('gives the place back when a client goes away mid-upload', async () => {
    const url = `${limited.url}transcribe?token=sesame`;
    const request = httpRequest(url, { method: 'POST', headers: { 'content-length': String(WAV.length) } });
    request.on('error', () => {});
    request.write(WAV.subarray(0, 1000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await post(WAV, url)).status).toBe(503);
    request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await post(WAV, url)).status).toBe(200);
  });
});
