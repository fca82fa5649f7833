import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/index.js';
import { compileContext } from '../../src/intent/index.js';
import type { Model } from '../../src/recognizer/index.js';
import { createServer, type RunningServer, type TranscriptEvent } from '../../src/server/index.js';
import { MAX_CONTEXT_LENGTH } from '../../src/server/protocol.js';
import { ROOT } from '../helpers.js';
import { STOP, TWELVE_THIRTY_THREE } from '../intent/helpers.js';
import { frames, loadDefaultModel, VoskClient, type Reply } from './helpers.js';

const CLOCK = readFileSync(path.join(ROOT, 'test', 'fixtures', 'clock.hassil.yml'), 'utf8');
type IntentReply = Reply & { intent?: { name: string; slots: Record<string, unknown> } | null };

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

async function pcmOf(file: string): Promise<Buffer[]> {
  const samples = await decodeAudioFile(file);
  const pcm = Int16Array.from(samples, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32768))));
  return frames(pcm, 16000, 0.25);
}

/** Streams the file then eof; the finals, in order. */
async function finalsOf(client: VoskClient, file: string): Promise<IntentReply[]> {
  const replies = await client.stream(await pcmOf(file));
  client.post({ eof: 1 });
  replies.push(...(await client.rest()));
  return (replies as IntentReply[]).filter((r) => r.text !== undefined);
}

describe('contexts on the server', () => {
  it('decodes against a context a client sends, and subscribers get the intent too', async () => {
    const events: TranscriptEvent[] = [];
    const subscriber = new WebSocket(`${server.url.replace(/^http/, 'ws')}subscribe`);
    subscriber.on('message', (data) => events.push(JSON.parse(data.toString()) as TranscriptEvent));
    await new Promise((resolve) => subscriber.once('open', resolve));
    const client = await VoskClient.connect(server.url);
    client.post({ config: { context: CLOCK } });
    const finals = await finalsOf(client, TWELVE_THIRTY_THREE);
    expect(finals.at(-1)).toMatchObject({ text: 'twelve thirty three', intent: { name: 'SetTime', slots: { hours: 12, minutes: 33 } } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.find((e) => e.type === 'final')).toMatchObject({ intent: { name: 'SetTime', slots: { hours: 12, minutes: 33 } } });
    subscriber.close();
  });

  it('answers a bad or oversized context with an error and goes on with what it had', async () => {
    const client = await VoskClient.connect(server.url);
    client.post({ config: { context: CLOCK } });
    const bad = await client.send({ config: { context: 'intents:\n  X:\n    data:\n      - sentences:\n          - "{nowhere}"\n' } });
    expect(bad!.error).toBe('bad "context": context:5: no slot list "nowhere" (config ignored)');
    const long = await client.send({ config: { context: 'x'.repeat(MAX_CONTEXT_LENGTH + 1) } });
    expect(long!.error).toContain('longer than');
    const finals = await finalsOf(client, STOP);
    expect(finals.at(-1)).toMatchObject({ text: 'stop', intent: { name: 'Control', slots: { command: 'stop' } } });
  });

  it("uses the server's default context unless a client lifts it", async () => {
    const withDefault = await createServer({ model, port: 0, context: compileContext(CLOCK) });
    try {
      const client = await VoskClient.connect(withDefault.url);
      expect((await finalsOf(client, STOP)).at(-1)).toMatchObject({ intent: { name: 'Control' } });
      const lifted = await VoskClient.connect(withDefault.url);
      lifted.post({ config: { context: null } });
      expect((await finalsOf(lifted, STOP)).at(-1)!.intent).toBeUndefined();
    } finally {
      await withDefault.close();
    }
  });
});
