import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import wavefile from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/recognizer/index.js';
import { createServer, type RunningServer } from '../../src/server/index.js';
import { clip, frames, loadDefaultModel, VoskClient, wordErrorRate } from './helpers.js';
import { SAMPLES_DIR } from '../helpers.js';
import { expectWordErrorRateAtMost, wordErrorRateBound } from '../accuracy.js';

const CHROMIUM = '/usr/bin/chromium';
const CLIP = 'cathy-arctic_a0040';
const { pcm, reference } = clip(CLIP);

let model: Model;
let server: RunningServer;
let browser: Browser;
let tmp: string;

/** The clip then 2 s of silence, so each of Chromium's loops of the file ends in an endpoint. */
async function fakeCaptureFile(): Promise<string> {
  const padded = new Int16Array(pcm.length + 2 * 16000);
  padded.set(pcm);
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 16000, '16', padded);
  const file = path.join(tmp, 'capture.wav');
  await writeFile(file, wav.toBuffer());
  return file;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/install-system does)`);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'earshot-web-'));
  model = await loadDefaultModel();
  server = await createServer({ model, port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${await fakeCaptureFile()}`,
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await model?.release();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function openPage(query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(server.url + query);
  return page;
}

const texts = (page: Page, selector: string): Promise<string[]> => page.locator(selector).allTextContents();

describe('web page', () => {
  it('streams the browser microphone and shows partials, then the final transcript', async () => {
    const page = await openPage();
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('partial')!.textContent !== '', null, { timeout: 30_000 });
    // Chromium loops the file, and may start it anywhere: one of the finals is a whole loop.
    const bestWordErrorRate = async (): Promise<number> => Math.min(1, ...(await texts(page, '#finals li')).map((t) => wordErrorRate(t, reference)));
    await expect.poll(bestWordErrorRate, { timeout: 30_000, interval: 500 }).toBeLessThanOrEqual(wordErrorRateBound(0.5));
    expect(await page.textContent('#status')).toMatch(/Listening at \d+ Hz/);
    await page.screenshot({ path: '/tmp/earshot-web-microphone.png' });

    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Stopped.', null, { timeout: 20_000 });
    expect(await page.textContent('#toggle')).toBe('Start');
    await page.close();
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
