// Decodes fuzz cases in a worker thread, so that the runner can time each one and end a hang.
import { parentPort } from 'node:worker_threads';
import { AudioDecodeError, decodeAudioWithWarning } from '../../dist/audio/index.js';

// Bytes no built-in decoder recognises would go to ffmpeg, which is not under test here: without it on
// this thread's PATH they are rejected at once, with the AudioDecodeError that says to install it.
process.env.PATH = '';

// The wasm decoders print corrupt-frame messages with console.error (and report them as data too):
// counted, not printed, so the figures stay readable.
let consoleLines = 0;
console.error = console.warn = () => consoleLines++;

parentPort.on('message', async ({ index, bytes }) => {
  const before = consoleLines;
  parentPort.postMessage({ index, ...(await outcome(bytes, index)), consoleLines: consoleLines - before });
});

async function outcome(bytes, index) {
  try {
    const { samples, warning } = await decodeAudioWithWarning(bytes, `case-${index}`);
    const valid = samples instanceof Float32Array && samples.length > 0 && samples.every(Number.isFinite) && (warning === undefined || typeof warning === 'string');
    if (!valid) return { kind: 'invalid-output', message: `${samples.length} samples, warning ${String(warning)}` };
    return { kind: warning ? 'warned' : 'decoded' };
  } catch (error) {
    if (error instanceof AudioDecodeError) return { kind: 'rejected', message: error.reason };
    return { kind: 'untyped-error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
