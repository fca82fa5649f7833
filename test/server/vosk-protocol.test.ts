import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/recognizer/index.js';
import { createServer, type RunningServer } from '../../src/server/index.js';
import { clip, finalsText, frames, loadDefaultModel, VoskClient, wordErrorRate, type Reply } from './helpers.js';
import { expectWordErrorRateAtMost } from '../accuracy.js';

const FIRST = 'cathy-arctic_a0040';
const SECOND = 'cathy-arctic_a0074';

const isFinal = (reply: Reply): boolean => reply.text !== undefined || reply.alternatives !== undefined;

let model: Model;
let server: RunningServer;

beforeAll(async () => {
  model = await loadDefaultModel();
  server = await createServer({ model, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await model?.release();
});

describe('vosk protocol', () => {
  it('answers every binary frame with exactly one reply, partials before the final, and closes after eof', async () => {
    const { pcm, reference } = clip(FIRST);
    const audio = frames(pcm, 16000, 0.2);
    const client = await VoskClient.connect(server.url);
    const replies = await client.stream(audio);
    expect(replies).toHaveLength(audio.length);
    client.post({ eof: 1 });
    const last = await client.rest();
    expect(await client.closed).toEqual({ code: 1000, reason: 'eof' });

    const all = [...replies, ...last];
    const firstFinal = all.findIndex(isFinal);
    expect(all.slice(0, firstFinal).some((r) => r.partial)).toBe(true);
    expectWordErrorRateAtMost(wordErrorRate(finalsText(all), reference), 0.5);
    const words = all.filter(isFinal).flatMap((r) => r.result ?? []);
    expect(words.length).toBeGreaterThan(0);
    for (const w of words) expect(w.end).toBeGreaterThanOrEqual(w.start);
  });

  it('resamples audio at the rate a config announces', async () => {
    const { pcm, reference } = clip(SECOND, 48000);
    const client = await VoskClient.connect(server.url);
    client.post({ config: { sample_rate: 48000 } });
    const replies = await client.stream(frames(pcm, 48000, 0.25));
    replies.push(...(await client.send({ eof: 1 }).then(async (r) => [r!, ...(await client.rest())])));
    expectWordErrorRateAtMost(wordErrorRate(finalsText(replies), reference), 0.5);
  });

  it('applies a config sent mid-stream to the audio after it, finalising what came before', async () => {
    const first = clip(FIRST);
    const second = clip(SECOND, 8000);
    const client = await VoskClient.connect(server.url);
    const before = await client.stream(frames(first.pcm, 16000, 0.2));
    client.post({ config: { sample_rate: 8000, words: false } });
    const after = await client.stream(frames(second.pcm, 8000, 0.2));
    client.post({ eof: 1 });
    after.push(...(await client.rest()));

    // The first utterance's final is the reply to the first frame after the config at the latest.
    expectWordErrorRateAtMost(wordErrorRate(finalsText([...before, after[0]]), first.reference), 0.5);
    const secondFinals = after.slice(1).filter(isFinal);
    expectWordErrorRateAtMost(wordErrorRate(finalsText(secondFinals), second.reference), 0.5);
    for (const final of secondFinals) expect(final.result).toBeUndefined();
  });

  it('sends the final on reset and keeps the connection, with alternatives when asked', async () => {
    const first = clip(FIRST);
    const second = clip(SECOND);
    const client = await VoskClient.connect(server.url);
    client.post({ config: { max_alternatives: 3 } });
    const replies = await client.stream(frames(first.pcm, 16000, 0.25));
    replies.push((await client.send('{ "reset" : 1 }'))!);
    expect(isFinal(replies.at(-1)!)).toBe(true);
    expectWordErrorRateAtMost(wordErrorRate(finalsText(replies), first.reference), 0.5);
    expect(replies.filter(isFinal).every((r) => r.alternatives && r.alternatives.length >= 1)).toBe(true);

    const more = await client.stream(frames(second.pcm, 16000, 0.25));
    client.post({ eof: 1 });
    more.push(...(await client.rest()));
    expectWordErrorRateAtMost(wordErrorRate(finalsText(more), second.reference), 0.5);
    expect((await client.closed).code).toBe(1000);
  });

  it('answers malformed messages with an error and carries on', async () => {
    const client = await VoskClient.connect(server.url);
    const refused = [
      'not json',
      '[1, 2]',
      '{"eof": 2}',
      '{"hello": 1}',
      '{"config": {"model": "/etc"}}',
      '{"config": {"sample_rate": "fast"}}',
      '{"config": {"sample_rate": 16000, "shout": true}}',
      '{"config": {"phrase_list": [1]}}',
      '{"config": {"words": true}, "eof": 1}',
    ];
    for (const message of refused) {
      const reply = await client.send(message);
      expect(reply, message).toEqual({ error: expect.any(String) });
    }
    // A phrase list the model's lexicon cannot write names the words, and the config before it stays.
    expect(await client.send('{"config": {"phrase_list": ["turn on the qzxv", "[unk]"]}}')).toEqual({ error: expect.stringContaining('"qzxv"') });
    const garbage = Buffer.from(Array.from({ length: 3001 }, (_, i) => (i * 7919) % 256));
    expect(Object.keys((await client.send(garbage))!)).toEqual(['partial']);
    expect(Object.keys((await client.send(Buffer.alloc(0)))!)).toEqual(['partial']);
    expect(isFinal((await client.send('{"eof":1}'))!)).toBe(true);
    expect((await client.closed).code).toBe(1000);
  });

  it("keeps one client's session intact while others send oversized frames or vanish", async () => {
    const { pcm, reference } = clip(FIRST);
    const steady = await VoskClient.connect(server.url);
    const oversized = await VoskClient.connect(server.url);
    const vanishing = await VoskClient.connect(server.url);
    const steadyReplies = steady.stream(frames(pcm, 16000, 0.2));

    oversized.socket.send(Buffer.alloc(1024 * 1024 + 2));
    expect((await oversized.closed).code).toBe(1009);
    await vanishing.stream(frames(pcm.subarray(0, pcm.length / 2), 16000, 0.2));
    vanishing.socket.terminate();

    const replies = await steadyReplies;
    replies.push(...(await steady.send({ eof: 1 }).then(async (r) => [r!, ...(await steady.rest())])));
    expectWordErrorRateAtMost(wordErrorRate(finalsText(replies), reference), 0.5);
  });

  it('refuses pages from other origins when there is no token', async () => {
    const host = new URL(server.url).host;
    await expect(VoskClient.connect(server.url, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const sameOrigin = await VoskClient.connect(server.url, { origin: `http://${host}` });
    sameOrigin.socket.close();
  });
});

describe('server limits', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await createServer({ model, port: 0, token: 'sesame', maxSessions: 1, idleTimeoutMs: 400, heartbeatMs: 150 });
  });
  afterAll(() => limited?.close());

  it('requires the token as ?token= or a bearer header when one is set', async () => {
    await expect(VoskClient.connect(limited.url)).rejects.toThrow(/401/);
    await expect(VoskClient.connect(`${limited.url}?token=wrong`)).rejects.toThrow(/401/);
    await expect(VoskClient.connect(`${limited.url}subscribe`)).rejects.toThrow(/401/);
    const byQuery = await VoskClient.connect(`${limited.url}?token=sesame`);
    byQuery.socket.close();
    await byQuery.closed;
    const byHeader = await VoskClient.connect(limited.url, { headers: { authorization: 'Bearer sesame' } });
    byHeader.socket.close();
    await byHeader.closed;
  });

  it('closes sessions beyond maxSessions with 1013 and admits new ones once a place is free', async () => {
    const first = await VoskClient.connect(`${limited.url}?token=sesame`);
    const second = await VoskClient.connect(`${limited.url}?token=sesame`);
    expect(await second.closed).toEqual({ code: 1013, reason: expect.stringMatching(/busy/) });
    first.socket.close();
    await first.closed;
    const third = await VoskClient.connect(`${limited.url}?token=sesame`);
    expect(Object.keys((await third.send(Buffer.alloc(3200)))!)).toEqual(['partial']);
    third.socket.close();
    await third.closed;
  });

  it('closes an idle session with 1001', async () => {
    const client = await VoskClient.connect(`${limited.url}?token=sesame`);
    const started = Date.now();
    expect(await client.closed).toEqual({ code: 1001, reason: 'idle timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it('drops a peer that stops answering pings, and keeps one that answers', async () => {
    const silent = new WebSocket(`${limited.url.replace('http', 'ws')}subscribe?token=sesame`, { autoPong: false });
    const answering = new WebSocket(`${limited.url.replace('http', 'ws')}subscribe?token=sesame`);
    const silentClosed = new Promise<number>((resolve) => silent.on('close', resolve));
    expect(await silentClosed).toBe(1006);
    await sleep(200);
    expect(answering.readyState).toBe(WebSocket.OPEN);
    answering.close();
  });
});
