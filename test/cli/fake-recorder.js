// Stands in for arecord, rec or sox: writes its arguments to $FAKE_RECORDER_ARGS, then plays
// $FAKE_RECORDER_PLAY (comma-separated WAV files and "silence:SECONDS") to stdout as raw 16-bit
// PCM in $FAKE_RECORDER_CHUNK-byte writes (odd by default, so samples straddle chunks), at
// $FAKE_RECORDER_SPEED times real time. Then it creates the file $FAKE_RECORDER_DONE and stays
// silent until it is killed, like a microphone. With $FAKE_RECORDER_FAIL set it prints that on
// stderr and exits with 1 instead, like a recorder without a capture device.
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const RATE = 16000;
const chunkBytes = Number(process.env.FAKE_RECORDER_CHUNK ?? 1001);
const speed = Number(process.env.FAKE_RECORDER_SPEED ?? 1);

if (process.env.FAKE_RECORDER_ARGS) writeFileSync(process.env.FAKE_RECORDER_ARGS, JSON.stringify(process.argv.slice(2)));

if (process.env.FAKE_RECORDER_FAIL) {
  process.stderr.write(process.env.FAKE_RECORDER_FAIL + '\n');
  process.exit(1);
}

const pcm = Buffer.concat((process.env.FAKE_RECORDER_PLAY ?? '').split(',').filter(Boolean).map(piece));
const started = Date.now();
for (let offset = 0; offset < pcm.length; offset += chunkBytes) {
  const due = started + (offset / 2 / RATE / speed) * 1000;
  await sleep(Math.max(0, due - Date.now()));
  if (!process.stdout.write(pcm.subarray(offset, offset + chunkBytes))) await new Promise((r) => process.stdout.once('drain', r));
}
if (process.env.FAKE_RECORDER_DONE) writeFileSync(process.env.FAKE_RECORDER_DONE, '');
setInterval(() => undefined, 1 << 30);

function piece(spec) {
  const silence = /^silence:(.+)$/.exec(spec);
  return silence ? Buffer.alloc(2 * Math.round(Number(silence[1]) * RATE)) : wavData(readFileSync(spec));
}

/** The data chunk of a 16 kHz mono 16-bit WAV file. */
function wavData(wav) {
  for (let at = 12; at + 8 <= wav.length; at += 8 + wav.readUInt32LE(at + 4) + (wav.readUInt32LE(at + 4) & 1)) {
    if (wav.toString('ascii', at, at + 4) === 'data') return wav.subarray(at + 8, at + 8 + wav.readUInt32LE(at + 4));
  }
  throw new Error('no data chunk');
}
