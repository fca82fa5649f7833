import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/index.js';
import { Model } from '../../src/recognizer/index.js';
import { wordErrorRateBound } from '../accuracy.js';
import { loadSample, ROOT } from '../helpers.js';
import { TWELVE_THIRTY_THREE } from '../intent/helpers.js';
import { clip, wordErrorRate } from '../server/helpers.js';
import { fakeCaptureFile, launchChromium, staticServer, WEB_BUILD_DIR, type StaticServer } from './helpers.js';
import { recognise, withoutTimes, wordsOf, type RecogniseOptions, type Result } from './recognise.js';

// The static build (npm run build:web) on a plain static file server, not earshot's: what any web
// host does. The harness page imports the bundle and feeds it samples as test/browser/recognise.ts
// feeds Node's build.
const HARNESS = { '/harness.html': path.join(ROOT, 'test', 'browser', 'harness.html'), '/harness.js': path.join(ROOT, 'test', 'browser', 'harness.js') };
const CLIP = 'cathy-arctic_a0040';

let server: StaticServer;
let browser: Browser;
let nodeModel: Model;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'earshot-web-build-'));
  server = await staticServer(WEB_BUILD_DIR, HARNESS);
  browser = await launchChromium(await fakeCaptureFile(clip(CLIP).pcm, tmp));
  nodeModel = await Model.load();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await nodeModel?.release();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function harness(): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${server.url}harness.html`);
  await page.waitForFunction(() => 'recognise' in window);
  return page;
}

const loadModel = (page: Page, url: string, options: object = {}): Promise<number> =>
  page.evaluate(([url, options]) => (window as any).loadModel(url, options), [url, options] as const);

const recogniseInPage = async (page: Page, samples: Float32Array, options: RecogniseOptions): Promise<Result[]> =>
  (await page.evaluate(([samples, options]) => (window as any).recognise('model/', samples, options), [Array.from(samples), options] as const)).results;

/** The same texts, partial and final, and every word time within 10 ms. */
function expectSameResults(browserResults: Result[], nodeResults: Result[]): void {
  expect(withoutTimes(browserResults)).toEqual(withoutTimes(nodeResults));
  const nodeWords = wordsOf(nodeResults);
  const browserWords = wordsOf(browserResults);
  expect(browserWords.length).toBe(nodeWords.length);
  browserWords.forEach((word, i) => {
    expect(Math.abs(word.start - nodeWords[i]!.start)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(word.end - nodeWords[i]!.end)).toBeLessThanOrEqual(0.01);
  });
}

describe('the browser build (earshot/web) on a plain static server', () => {
  it("gives Node's results on the same audio: partials and finals, hot words and alternatives, grammar, context", async () => {
    const page = await harness();
    await loadModel(page, 'model/');
    const samples = loadSample(`${CLIP}.wav`);
    const runs: [Float32Array, RecogniseOptions][] = [
      [samples, { partialWords: true }],
      [samples, { hotwords: [{ phrase: 'wonder why' }], maxAlternatives: 3 }],
      [samples, { grammar: ['is posey wonder why she is coming up here', 'turn on the lights', '[unk]'] }],
      [await decodeAudioFile(TWELVE_THIRTY_THREE), { context: readFileSync(path.join(ROOT, 'test', 'fixtures', 'clock.rhino.yml'), 'utf8') }],
    ];
    for (const [audio, options] of runs) {
      const nodeResults = await recognise(nodeModel, audio, options);
      expectSameResults(await recogniseInPage(page, audio, options), nodeResults);
    }
    await page.close();
  }, 120_000);

  it('rejects Model.load with a message naming the URL that failed', async () => {
    const page = await harness();
    const failure = page.evaluate(() => (window as any).loadModel('no-such-model/'));
    await expect(failure).rejects.toThrow(new RegExp(`ModelLoadError: ${server.url}no-such-model/model\\.json: HTTP 404`));
    await page.close();
  });

  it('keeps the model files in the Cache API: a second load needs no network', async () => {
    const page = await harness();
    await loadModel(page, 'model/');
    const fetched = server.requests.length;
    await page.context().setOffline(true);
    await loadModel(page, 'model/');
    const samples = loadSample(`${CLIP}.wav`);
    expect(withoutTimes(await recogniseInPage(page, samples, {}))).toEqual(withoutTimes(await recognise(nodeModel, samples)));
    expect(server.requests.slice(fetched)).toEqual([]);
    await page.context().setOffline(false);
    await page.close();
  });

  it('the static demo recognises the microphone in the browser without opening a WebSocket', async () => {
    const page = await browser.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(server.url);
    await page.click('#toggle');
    const { reference } = clip(CLIP);
    const bestWordErrorRate = async (): Promise<number> =>
      Math.min(1, ...(await page.locator('#finals li').allTextContents()).map((text) => wordErrorRate(text, reference)));
    await expect.poll(bestWordErrorRate, { timeout: 60_000, interval: 500 }).toBeLessThanOrEqual(wordErrorRateBound(0.35));
    expect(await page.textContent('#status')).toMatch(/^Listening at \d+ Hz, recognising in this browser/);
    await page.screenshot({ path: '/tmp/earshot-web-static.png' });
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Stopped.', null, { timeout: 20_000 });
    expect(sockets).toEqual([]);
    await page.close();
  }, 120_000);
});
