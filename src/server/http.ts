import { readdir, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** The web page's folder, src/web: the same relative path from src/server and from dist/server. */
export const WEB_DIR = fileURLToPath(new URL('../../src/web/', import.meta.url));

/** The browser build's folder (`npm run build:web`): the bundle and onnxruntime-web's runtime. */
export const WEB_BUILD_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The browser build's files the page's in-browser mode loads, served from WEB_BUILD_DIR. */
export const BUNDLE_FILES = ['earshot.js', 'earshot.js.map', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

/** A model directory's files that the in-browser mode fetches, served under /model/ (the lexicon a phone model's). */
export const BROWSER_MODEL_FILES = ['model.json', 'model.onnx', 'lm.bin', 'lexicon.txt.gz'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
};

/**
 * Cross-origin isolation (COOP and COEP) lets onnxruntime-web run threads; 'wasm-unsafe-eval' lets
 * it compile its WebAssembly.
 */
const HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** model.onnx's half-precision weights gzip little (7.9 to 7.3 MB), a .gz file not at all: not worth a server's CPU. */
const INCOMPRESSIBLE = new Set(['.onnx', '.gz']);

interface StaticFile {
  type: string;
  body: Buffer;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Sends `body` as JSON. An error status also closes the connection: the request's body may still
 * be arriving, and closing spares reading the rest of it.
 */
export function sendJson(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (status >= 400) response.shouldKeepAlive = false;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body) + '\n');
}

/**
 * Serves the page (the files directly inside `dir`, index.html at /; read once, here, so a request
 * can only ever name one of them) and the in-browser mode's files: the bundle from `buildDir` and
 * the model's files under /model/, read when asked for, revalidated by ETag and gzipped for clients
 * that take it (compressed once per file version).
 */
export async function staticFiles(dir: string = WEB_DIR, buildDir: string = WEB_BUILD_DIR, modelDir?: string): Promise<RequestHandler> {
  const files = new Map<string, StaticFile>();
  for (const name of await readdir(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type) files.set('/' + name, { type, body: await readFile(path.join(dir, name)) });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  const assets = new Map(BUNDLE_FILES.map((name) => ['/' + name, path.join(buildDir, name)]));
  if (modelDir) for (const name of BROWSER_MODEL_FILES) assets.set(`/model/${name}`, path.join(modelDir, name));
  const serveAsset = assetServer();
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = files.get(pathname);
    const asset = assets.get(pathname);
    if (file) sendBody(request, response, { ...HEADERS, 'content-type': file.type }, file.body);
    else if (asset) serveAsset(request, response, asset).catch(() => response.headersSent || sendNotFound(response));
    else sendNotFound(response);
  };
}

type AssetServer = (request: IncomingMessage, response: ServerResponse, file: string) => Promise<void>;

function assetServer(): AssetServer {
  /** Each file's gzipped body, for the version its ETag names. */
  const gzipped = new Map<string, { etag: string; body: Promise<Buffer> }>();
  const gzipOf = (file: string, etag: string): Promise<Buffer> => {
    const made = gzipped.get(file);
    if (made?.etag === etag) return made.body;
    const body = readFile(file).then((bytes) => gzipAsync(bytes));
    body.catch(() => gzipped.delete(file));
    gzipped.set(file, { etag, body });
    return body;
  };
  return async (request, response, file) => {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return sendNotFound(response);
    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers: Record<string, string> = { ...HEADERS, etag, 'content-type': CONTENT_TYPES[path.extname(file)]!, vary: 'accept-encoding' };
    if (request.headers['if-none-match'] === etag) return void response.writeHead(304, headers).end();
    if (INCOMPRESSIBLE.has(path.extname(file)) || !/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
      return sendBody(request, response, headers, await readFile(file));
    }
    sendBody(request, response, { ...headers, 'content-encoding': 'gzip' }, await gzipOf(file, etag));
  };
}

function sendBody(request: IncomingMessage, response: ServerResponse, headers: Record<string, string>, body: Buffer): void {
  response.writeHead(200, { ...headers, 'content-length': body.length });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function sendNotFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
}
