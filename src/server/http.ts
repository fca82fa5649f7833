import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The web page's folder, src/web: the same relative path from src/server and from dist/server. */
export const WEB_DIR = fileURLToPath(new URL('../../src/web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; img-src 'self' data:",
};

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
 * Serves the files directly inside `dir`, index.html at /. They are read once, here, so a request
 * can only ever name one of them.
 */
export async function staticFiles(dir: string = WEB_DIR): Promise<RequestHandler> {
  const files = new Map<string, StaticFile>();
  for (const name of await readdir(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type) files.set('/' + name, { type, body: await readFile(path.join(dir, name)) });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = files.get(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    response.writeHead(200, { ...HEADERS, 'content-type': file.type, 'content-length': file.body.length });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  };
}
