import type { IncomingMessage } from 'node:http';
import { AudioDecodeError, decodeAudioWithWarning } from '../audio/index.js';
import type { RecognitionMetrics } from '../metrics/index.js';
import { transcribeSamples, type Model } from '../recognizer/index.js';
import { sendJson, type RequestHandler } from './http.js';
import { formDataBoundary, formDataField, MultipartError } from './multipart.js';

/** Where a whole audio file is POSTed to be transcribed. */
export const UPLOAD_PATH = '/transcribe';

/** The form field that holds the file in a multipart upload, as whisper.cpp's server names it. */
const UPLOAD_FIELD = 'file';

export interface UploadOptions {
  model: Model;
  /** Largest body accepted, in bytes; a larger one gets 413. */
  maxBytes: number;
  /** Takes one of the server's audio-session places: its release function, or undefined when all are taken. */
  startSession: () => (() => void) | undefined;
  /** Told of recognizer failures. */
  log: (message: string) => void;
  metrics: RecognitionMetrics;
}

interface Reply {
  status: number;
  body: object;
}

/** An HTTP failure the client caused or must wait out, with the status that says which. */
class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Handles POST UPLOAD_PATH: the body is an audio file (any format decodeAudio reads), raw or as the
 * UPLOAD_FIELD field of a multipart form. The reply is JSON: {"text", "result", "duration"} as
 * `earshot transcribe` prints (and "warning" for a file cut short), or {"error"} with a 4xx or 5xx status.
 */
export function uploadHandler(options: UploadOptions): RequestHandler {
  return (request, response) => {
    void transcribeUpload(request, options).then((reply) => sendJson(response, reply.status, reply.body, reply.status === 405 ? { allow: 'POST' } : {}));
  };
}

async function transcribeUpload(request: IncomingMessage, options: UploadOptions): Promise<Reply> {
  if (request.method !== 'POST') return { status: 405, body: { error: `POST an audio file to ${UPLOAD_PATH}` } };
  const release = options.startSession();
  if (!release) return { status: 503, body: { error: 'server busy: every audio session is in use' } };
  options.metrics.sessions.inc();
  options.metrics.activeSessions.inc();
  try {
    const audio = uploadedAudio(await readBody(request, options.maxBytes), request.headers['content-type']);
    const started = performance.now();
    const { samples, warning } = await decodeAudioWithWarning(audio, 'upload');
    const transcript = await transcribeSamples(options.model, samples);
    const seconds = (performance.now() - started) / 1000;
    options.metrics.transcribed(transcript.duration, seconds);
    options.metrics.finished(transcript.duration, seconds);
    return { status: 200, body: { text: transcript.text, result: transcript.result, duration: transcript.duration, warning } };
  } catch (error) {
    if (error instanceof UploadRefusal) return { status: error.status, body: { error: error.message } };
    if (error instanceof MultipartError) return { status: 400, body: { error: error.message } };
    if (error instanceof AudioDecodeError) return { status: 415, body: { error: error.reason } };
    const message = `recognition failed: ${error instanceof Error ? error.message : String(error)}`;
    options.log(`upload: ${message}`);
    return { status: 500, body: { error: message } };
  } finally {
    options.metrics.activeSessions.dec();
    release();
  }
}

function uploadedAudio(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = formDataBoundary(contentType);
  if (boundary === undefined) return body;
  const file = formDataField(body, boundary, UPLOAD_FIELD);
  if (!file) throw new UploadRefusal(400, `the form has no '${UPLOAD_FIELD}' field`);
  return file;
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = new UploadRefusal(413, `the upload is larger than ${maxBytes} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        request.pause();
        reject(tooLarge);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    // After 'end' this changes nothing; before it, the client went away mid-upload.
    request.on('close', () => reject(new UploadRefusal(400, 'the upload was interrupted')));
  });
}
