import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import wavefile from 'wavefile';
import { ROOT } from '../helpers.js';

export const CHROMIUM = '/usr/bin/chromium';

/** The static build: `npm test` runs `npm run build:web` before the tests. */
export const WEB_BUILD_DIR = path.join(ROOT, 'dist', 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
};

export interface StaticServer {
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A plain static file server, as any web host is: files with their MIME types, no other headers
 * (no cross-origin isolation, no compression). `extra` maps URL paths to more files.
 */
export async function staticServer(dir: string, extra: Record<string, string> = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    requests.push(pathname);
    const file = extra[pathname] ?? path.join(dir, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(dir) && !extra[pathname]) return void response.writeHead(403).end();
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length }).end(body),
      () => response.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Debian's headless Chromium, its microphone playing `captureWav` when given. */
export async function launchChromium(captureWav?: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/install-system does)`);
  if (!existsSync(path.join(WEB_BUILD_DIR, 'earshot.js'))) throw new Error(`${WEB_BUILD_DIR} has no earshot.js: npm run build && npm run build:web`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      ...(captureWav ? [`--use-file-for-fake-audio-capture=${captureWav}`] : []),
    ],
  });
}

/** A WAV in `dir` for Chromium's fake microphone: the clip then 2 s of silence, so each of its loops of the file ends in an endpoint. */
export async function fakeCaptureFile(pcm: Int16Array, dir: string): Promise<string> {
  const padded = new Int16Array(pcm.length + 2 * 16000);
  padded.set(pcm);
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 16000, '16', padded);
  const file = path.join(dir, 'capture.wav');
  await writeFile(file, wav.toBuffer());
  return file;
}
