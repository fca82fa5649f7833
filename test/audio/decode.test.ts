import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeAudio, decodeAudioFile } from '../../src/audio/decode.js';
import { AudioDecodeError } from '../../src/audio/errors.js';
import { SAMPLE_RATE } from '../../src/audio/format.js';
import { hasTool } from '../helpers.js';
import { decibels, pcm16Wav, rmsAmplitude, tone, toneAmplitude } from './helpers.js';

const AN4 = '/work/shared/corpora/an4';

const hasFlac = hasTool('flac');
const hasLame = hasTool('lame');
const hasSox = hasTool('sox');
const hasFfmpeg = hasTool('ffmpeg');
for (const [tool, present] of [['flac', hasFlac], ['lame', hasLame], ['sox', hasSox], ['ffmpeg', hasFfmpeg]] as const) {
  if (!present) console.warn(`${tool} is not installed: skipping its decode test (apt-get install -y ${tool})`);
}

async function decodeError(decoding: Promise<unknown>): Promise<AudioDecodeError> {
  const error = await decoding.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(AudioDecodeError);
  return error as AudioDecodeError;
}

/** 1.5 s of 440 Hz at 0.5 amplitude, 44.1 kHz stereo, as WAV and as FLAC, MP3 and Ogg Vorbis where the encoders exist. */
describe('decodeAudio', () => {
  let dir: string;
  let wavPath: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-audio-'));
    const left = tone(440, 44100, 1.5, 0.5);
    const interleaved = Int16Array.from({ length: left.length * 2 }, (_, i) => Math.round(left[i >> 1]! * 32767));
    wavPath = join(dir, 'tone.wav');
    writeFileSync(wavPath, pcm16Wav(interleaved, 44100, 2));
    if (hasFlac) spawnSync('flac', ['--silent', '-o', join(dir, 'tone.flac'), wavPath]);
    if (hasLame) spawnSync('lame', ['--quiet', wavPath, join(dir, 'tone.mp3')]);
    if (hasSox) spawnSync('sox', [wavPath, join(dir, 'tone.ogg')]);
    if (hasFfmpeg) {
      for (const name of ['tone.m4a', 'tone.webm', 'tone.aiff']) spawnSync('ffmpeg', ['-loglevel', 'error', '-i', wavPath, join(dir, name)]);
      spawnSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=20', '-c:a', 'aac', join(dir, 'long.m4a')]);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function expectTone(samples: Float32Array, toleranceSeconds: number, toleranceDb: number): void {
    expect(Math.abs(samples.length / SAMPLE_RATE - 1.5)).toBeLessThanOrEqual(toleranceSeconds);
    expect(Math.abs(decibels(toneAmplitude(samples, 440, SAMPLE_RATE, 2000) / 0.5))).toBeLessThan(toleranceDb);
  }

  it('decodes WAV to 16 kHz mono', async () => {
    const samples = await decodeAudioFile(wavPath);
    expect(samples).toHaveLength(24000);
    expectTone(samples, 0, 0.01);
  });

  it.skipIf(!hasFlac)('decodes FLAC (file made with the flac encoder)', async () => {
    expectTone(await decodeAudioFile(join(dir, 'tone.flac')), 0, 0.01);
  });

  it.skipIf(!hasLame)('decodes MP3 (file made with lame)', async () => {
    expectTone(await decodeAudioFile(join(dir, 'tone.mp3')), 0.05, 0.5);
  });

  it.skipIf(!hasSox)('decodes Ogg Vorbis (file made with sox)', async () => {
    expectTone(await decodeAudioFile(join(dir, 'tone.ogg')), 0.01, 0.1);
  });

  it.skipIf(!hasFfmpeg)('decodes M4A (AAC), WebM (Opus) and AIFF through ffmpeg, from files and from bytes', async () => {
    for (const name of ['tone.m4a', 'tone.webm', 'tone.aiff']) {
      expectTone(await decodeAudioFile(join(dir, name)), 0.1, 0.5);
      expectTone(await decodeAudio(readFileSync(join(dir, name)), name), 0.1, 0.5);
    }
  });

  it.skipIf(!hasFfmpeg)('decodes M4A bytes whose index follows the audio, which ffmpeg cannot read through a pipe', async () => {
    const samples = await decodeAudio(readFileSync(join(dir, 'long.m4a')), 'long.m4a');
    expect(Math.abs(samples.length / SAMPLE_RATE - 20)).toBeLessThan(0.1);
  });

  it('names ffmpeg in the error for a format it would decode when ffmpeg is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const error = await decodeError(decodeAudio(new TextEncoder().encode('not audio'), 'memo.m4a'));
      expect(error.message).toBe('memo.m4a: unsupported or unrecognised audio format (WAV, FLAC, Ogg Opus, Ogg Vorbis and MP3 are built in; install ffmpeg for others)');
    } finally {
      process.env.PATH = path;
    }
  });

  it('decodes a minute of 44.1 kHz stereo 16-bit WAV far faster than real time', async () => {
    const minute = Int16Array.from({ length: 44100 * 60 * 2 }, (_, i) => Math.round(16000 * Math.sin(i * 0.01)));
    const bytes = pcm16Wav(minute, 44100, 2);
    const started = performance.now();
    const samples = await decodeAudio(bytes, 'minute.wav');
    const elapsedMs = performance.now() - started;
    expect(samples).toHaveLength(60 * SAMPLE_RATE);
    // About 0.3 s here; the margin is for a machine busy with other work.
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('decodes real Ogg Opus recordings from an4 to their manifest durations', async () => {
    const rows = readFileSync(join(AN4, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
    for (const row of rows.filter((_, i) => i % 200 === 0)) {
      const [audio, , , , seconds] = row.split('\t');
      const samples = await decodeAudioFile(join(AN4, audio!));
      expect(Math.abs(samples.length / SAMPLE_RATE - Number(seconds)), audio).toBeLessThan(0.06);
      expect(samples.every(Number.isFinite)).toBe(true);
      expect(rmsAmplitude(samples, 0), audio).toBeGreaterThan(1e-3);
    }
  });

  it.skipIf(!hasFfmpeg)('rejects bytes that neither its decoders nor ffmpeg read, with ffmpeg\'s reason', async () => {
    const speexInOgg = oggFirstPage('Speex   ');
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode('plain text, not audio'), Uint8Array.from([0xff, 0xf1, 0x50, 0x80]), speexInOgg]) {
      const error = await decodeError(decodeAudio(bytes, 'mystery.bin'));
      expect(error.reason).toMatch(/^unsupported or unrecognised audio format \(ffmpeg: .+\)$/);
      expect(error.reason).not.toMatch(/earshot-|input:/); // not the temporary file's name
      expect(error.message).toMatch(/^mystery\.bin: /);
    }
  });

  it('turns failures inside the wasm decoders into AudioDecodeError', async () => {
    const withMagic = (magic: number[]) => Uint8Array.from([...magic, ...new Array<number>(64).fill(7)]);
    await decodeError(decodeAudio(oggFirstPage('OpusHead'), 'junk.opus'));
    await decodeError(decodeAudio(oggFirstPage('\x01vorbis'), 'junk.ogg'));
    await decodeError(decodeAudio(withMagic([0x66, 0x4c, 0x61, 0x43]), 'junk.flac'));
    await decodeError(decodeAudio(withMagic([0xff, 0xfb, 0x90, 0x64]), 'junk.mp3'));
    await decodeError(decodeAudio(withMagic([0x49, 0x44, 0x33]), 'junk.mp3'));
  });

  it('rejects an Opus file with corrupt packets', async () => {
    const bytes = new Uint8Array(readFileSync(join(AN4, 'audio/fash/an255-fash-b.opus')));
    for (let i = 2000; i < 2400; i++) bytes[i]! ^= 0x5a;
    const libopusLog = vi.spyOn(console, 'error').mockImplementation(() => undefined); // libopus reports each bad packet there
    try {
      const error = await decodeError(decodeAudio(bytes, 'corrupt.opus'));
      expect(error.reason).toMatch(/corrupt frame/);
    } finally {
      libopusLog.mockRestore();
    }
  });

  it('reports invalid WAV and unreadable files as AudioDecodeError', async () => {
    expect((await decodeError(decodeAudio(pcm16Wav(new Int16Array(0), 8000), 'empty.wav'))).reason).toBe('no audio samples');
    expect((await decodeError(decodeAudioFile(join(dir, 'missing.wav')))).reason).toMatch(/cannot read file: ENOENT/);
    expect((await decodeError(decodeAudioFile(dir))).reason).toMatch(/cannot read file: EISDIR/);
  });
});

/** An Ogg page with one 64-byte packet that starts with a codec's magic and goes on with junk. */
function oggFirstPage(codecMagic: string): Uint8Array {
  const page = new Uint8Array(28 + 64).fill(7);
  page.set(new TextEncoder().encode('OggS'), 0);
  page[26] = 1;
  page[27] = 64;
  page.set(new TextEncoder().encode(codecMagic), 28);
  return page;
}
