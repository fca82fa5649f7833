import { concatArrays } from '../audio/concat.js';
import { ModelLoadError } from '../model/metadata.js';

/** The Cache API cache that keeps model files between visits. */
export const MODEL_CACHE = 'earshot-models';

export interface FetchOptions {
  /** Keep the file in the Cache API and take it from there next time (default true; needs a secure context). */
  cache: boolean;
  /** Called as bytes arrive: the bytes received so far, and the file's size when known. */
  onBytes: (received: number, size: number | undefined) => void;
}

/**
 * A file's bytes, from the cache when it holds the URL, otherwise fetched (and then cached). A
 * failed request rejects with a ModelLoadError that names the URL.
 */
export async function fetchFile(url: string, options: FetchOptions): Promise<Uint8Array> {
  const cache = options.cache && globalThis.caches ? await caches.open(MODEL_CACHE) : undefined;
  const cached = await cache?.match(url);
  if (cached) return readBody(cached, url, options.onBytes);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ModelLoadError(`${url}: cannot fetch (${(error as Error).message})`);
  }
  if (!response.ok) throw new ModelLoadError(`${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  const bytes = await readBody(response, url, options.onBytes);
  const headers = { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(bytes.length) };
  // A full quota only costs the next visit a download.
  await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })).catch(() => undefined);
  return bytes;
}

async function readBody(response: Response, url: string, onBytes: FetchOptions['onBytes']): Promise<Uint8Array> {
  const size = sizeOf(response);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      received += next.value.length;
      onBytes(received, size);
    }
  } catch (error) {
    throw new ModelLoadError(`${url}: download failed (${(error as Error).message})`);
  }
  return concatArrays(Uint8Array, chunks);
}

/** The body's size from Content-Length, unless a Content-Encoding makes that the compressed size. */
function sizeOf(response: Response): number | undefined {
  const length = response.headers.get('content-length');
  return length === null || response.headers.has('content-encoding') ? undefined : Number(length);
}
