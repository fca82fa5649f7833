import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/recognizer/index.js';
import { createServer, type RunningServer } from '../../src/server/index.js';
import { clip, frames, loadDefaultModel, VoskClient, wordErrorRate } from './helpers.js';
import { SAMPLES_DIR } from '../helpers.js';
import { expectWordErrorRateAtMost, wordErrorRateBound } from '../accuracy.js';
import { fakeCaptureFile, launchChromium } from '../browser/helpers.js';

const CLIP = 'cathy-arctic_a0040';
const { pcm, reference } = clip(CLIP);

let model: Model;
let server: RunningServer;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'earshot-web-'));
  model = await loadDefaultModel();
  server = await createServer({ model, port: 0 });
  browser = await launchChromium(await fakeCaptureFile(pcm, tmp));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await model?.release();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function openPage(query = '', sockets: string[] = []): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  page.on('pageerror', (error) => console.error('page error:', error));
  page.on('websocket', (socket) => sockets.push(socket.url()));
  await page.goto(server.url + query);
  return page;
}

/** Chromium loops the file, and may start it anywhere: one of the finals is a whole loop. */
const bestWordErrorRate = async (page: Page): Promise<number> =>
  Math.min(1, ...(await texts(page, '#finals li')).map((t) => wordErrorRate(t, reference)));

const texts = (page: Page, selector: string): Promise<string[]> => page.locator(selector).allTextContents();

describe('web page', () => {
  it('streams the browser microphone and shows partials, then the final transcript', async () => {
    const page = await openPage();
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('partial')!.textContent !== '', null, { timeout: 30_000 });
    await expect.poll(() => bestWordErrorRate(page), { timeout: 30_000, interval: 500 }).toBeLessThanOrEqual(wordErrorRateBound(0.5));
    expect(await page.textContent('#status')).toMatch(/Listening at \d+ Hz/);
    await page.screenshot({ path: '/tmp/earshot-web-microphone.png' });

    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Stopped.', null, { timeout: 20_000 });
    expect(await page.textContent('#toggle')).toBe('Start');
    await page.close();
  });

  it('recognises the microphone in the browser (?mode=browser): cross-origin isolated, no WebSocket opened', async () => {
    const sockets: string[] = [];
    const page = await openPage('?mode=browser', sockets);
    expect(await page.isChecked('input[value="browser"]')).toBe(true);
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('partial')!.textContent !== '', null, { timeout: 60_000 });
    await expect.poll(() => bestWordErrorRate(page), { timeout: 60_000, interval: 500 }).toBeLessThanOrEqual(wordErrorRateBound(0.35));
    expect(await page.textContent('#status')).toMatch(/^Listening at \d+ Hz, recognising in this browser \(model loaded in [\d.]+ s\)$/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.screenshot({ path: '/tmp/earshot-web-in-browser.png' });
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Stopped.', null, { timeout: 20_000 });
    expect(sockets).toEqual([]);

    await page.setInputFiles('#file', path.join(SAMPLES_DIR, `${CLIP}.wav`));
    await page.waitForFunction(() => /s of audio transcribed/.test(document.getElementById('status')!.textContent!), null, { timeout: 30_000 });
    expectWordErrorRateAtMost(wordErrorRate((await texts(page, '#finals li')).at(-1)!, reference), 0.35);
    expect(sockets).toEqual([]);
    await page.close();
  }, 150_000);

  it('serves the browser build and the model with their types, cross-origin isolation, gzip and ETags', async () => {
    const page = await fetch(server.url);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(page.headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'");
    const types = { 'earshot.js': 'text/javascript', 'ort-wasm-simd-threaded.mjs': 'text/javascript', 'ort-wasm-simd-threaded.wasm': 'application/wasm', 'model/model.json': 'application/json', 'model/model.onnx': 'application/octet-stream', 'model/lm.bin': 'application/octet-stream', 'model/lexicon.txt.gz': 'application/gzip' };
    for (const [file, type] of Object.entries(types)) {
      const response = await fetch(server.url + file);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toMatch(new RegExp(`^${type}`));
      expect(response.headers.get('cross-origin-embedder-policy'), file).toBe('require-corp');
      const etag = response.headers.get('etag')!;
      await response.arrayBuffer();
      expect((await fetch(server.url + file, { headers: { 'if-none-match': etag } })).status, file).toBe(304);
    }
    const wasm = await fetch(server.url + 'ort-wasm-simd-threaded.wasm');
    expect(wasm.headers.get('content-encoding')).toBe('gzip');
    expect(Number(wasm.headers.get('content-length'))).toBeLessThan((await wasm.arrayBuffer()).byteLength / 2);
    expect((await fetch(server.url + 'model/model.onnx')).headers.get('content-encoding')).toBeNull();
    expect((await fetch(server.url + 'model/lexicon.txt.gz')).headers.get('content-encoding')).toBeNull();
    expect((await fetch(server.url + 'model/other.bin')).status).toBe(404);
  });

  it('transcribes a file picked on the page through POST /transcribe, and reports one it cannot decode', async () => {
    const page = await openPage();
    await page.setInputFiles('#file', path.join(SAMPLES_DIR, `${CLIP}.wav`));
    await page.waitForFunction(() => /s of audio transcribed/.test(document.getElementById('status')!.textContent!), null, { timeout: 20_000 });
    expect(await page.textContent('#status')).toBe(`${CLIP}.wav: ${(pcm.length / 16000).toFixed(1)} s of audio transcribed.`);
    expectWordErrorRateAtMost(wordErrorRate((await texts(page, '#finals li')).join(' '), reference), 0.35);

    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not audio') });
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('notes.txt: '), null, { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/^notes\.txt: unsupported or unrecognised audio format/);
    await page.screenshot({ path: '/tmp/earshot-web-file.png' });
    await page.close();
  });

  it("subscribe view shows another client's session live", async () => {
    const page = await openPage('?view=subscribe');
    await page.waitForFunction(() => document.getElementById('subscribe-status')!.textContent!.startsWith('Live'));
    const client = await VoskClient.connect(server.url);
    await client.stream(frames(pcm, 16000, 0.2));
    await client.send({ eof: 1 });
    await page.waitForSelector('.session.ended', { timeout: 20_000 });
    await page.screenshot({ path: '/tmp/earshot-web-subscribe.png' });
    const finals = await texts(page, '.session.ended .finals li');
    expectWordErrorRateAtMost(wordErrorRate(finals.join(' '), reference), 0.5);
    expect(await page.textContent('.session.ended h2')).toMatch(/^websocket · 16000 Hz · .* · ended$/);
    await page.close();
  });
});
