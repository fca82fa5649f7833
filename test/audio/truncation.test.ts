import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioWithWarning } from '../../src/audio/decode.js';
import { SAMPLE_RATE } from '../../src/audio/format.js';
import { decodeWav } from '../../src/audio/wav.js';
import { hasTool, SAMPLES_DIR } from '../helpers.js';
import { pcm16Wav, tone } from './helpers.js';

const CLIP = join(SAMPLES_DIR, 'ljspeech-LJ001-0011.wav');
const CLIP_SECONDS = (readFileSync(CLIP).length - 44) / 2 / SAMPLE_RATE;
const tools = ['sox', 'opusenc', 'lame', 'ffmpeg'].every(hasTool);

/** The clip encoded by each tool, as the files people have; OUT in the arguments is the output file. */
function encodings(dir: string): Record<string, Buffer> {
  const encode = (file: string, tool: string, args: string[]): Buffer => {
    const out = join(dir, file);
    execFileSync(tool, args.map((a) => (a === 'OUT' ? out : a)), { stdio: 'ignore' });
    return readFileSync(out);
  };
  return {
    wav: readFileSync(CLIP),
    flac: encode('clip.flac', 'sox', [CLIP, 'OUT']),
    vorbis: encode('clip.ogg', 'sox', [CLIP, 'OUT']),
    opus: encode('clip.opus', 'opusenc', ['--quiet', CLIP, 'OUT']),
    mp3: encode('clip.mp3', 'ffmpeg', ['-v', 'quiet', '-i', CLIP, 'OUT']),
    'mp3-untagged': encode('untagged.mp3', 'lame', ['--quiet', '-t', CLIP, 'OUT']),
  };
}

const HEADER_SAYS = new RegExp(`^truncated: the header says ${CLIP_SECONDS.toFixed(2)} s, the file holds 1\\.\\d\\d s$`);
const EXPECTED: Record<string, RegExp> = {
  wav: HEADER_SAYS,
  flac: HEADER_SAYS,
  vorbis: /^truncated: the Ogg stream stops before its end-of-stream page, the file holds \d\.\d\d s$/,
  opus: /^truncated: the Ogg stream stops before its end-of-stream page, the file holds \d\.\d\d s$/,
  mp3: /^truncated: the header says 3\.\d\d s, the file holds 1\.\d\d s$/,
  'mp3-untagged': /^truncated: its last MP3 frame is cut off, the file holds 1\.\d\d s$/,
};

describe.skipIf(!tools)('files cut short', () => {
  let files: Record<string, Buffer>;
  beforeAll(() => (files = encodings(mkdtempSync(join(tmpdir(), 'earshot-truncation-')))));

  it('decode whole, without a warning', async () => {
    for (const [name, bytes] of Object.entries(files)) {
      const { samples, warning } = await decodeAudioWithWarning(bytes, name);
      expect(warning, name).toBeUndefined();
      expect(samples.length / SAMPLE_RATE, name).toBeGreaterThan(CLIP_SECONDS - 0.01);
    }
  });

  it('cut in half, give the audio that is there and a warning that says how much that is', async () => {
    for (const [name, bytes] of Object.entries(files)) {
      const { samples, warning } = await decodeAudioWithWarning(bytes.subarray(0, bytes.length >> 1), name);
      expect(warning, name).toMatch(EXPECTED[name]!);
      const held = Number(/holds (\d+\.\d+) s/.exec(warning!)![1]);
      expect(Math.abs(samples.length / SAMPLE_RATE - held), name).toBeLessThan(0.01);
      expect(held, name).toBeGreaterThan(0.5);
    }
  });
});

describe('WAV sizes', () => {
  const wav = pcm16Wav(Int16Array.from(tone(440, 16000, 8.3, 0.5), (x) => x * 32767), 16000);

  it('a WAV cut to 300 bytes holds 0.01 s of the 8.30 s its header says', () => {
    const { samples, warning } = decodeWav(wav.subarray(0, 300), 'cut.wav');
    expect(samples.length).toBe(128);
    expect(warning).toBe('truncated: the header says 8.30 s, the file holds 0.01 s');
  });

  it('a streamed WAV (data size 0 or 0xFFFFFFFF, as ffmpeg writes to a pipe) runs to the end of the file, without a warning', () => {
    for (const size of [0, 0xffffffff]) {
      const streamed = wav.slice();
      new DataView(streamed.buffer).setUint32(40, size, true);
      new DataView(streamed.buffer).setUint32(4, size, true);
      const { samples, warning } = decodeWav(streamed.subarray(0, 44 + 2 * 16000), 'streamed.wav');
      expect(samples.length).toBe(16000);
      expect(warning).toBeUndefined();
    }
  });

  it.skipIf(!hasTool('ffmpeg'))("decodes ffmpeg's piped WAV whole, without a warning", async () => {
    const piped = execFileSync('ffmpeg', ['-v', 'quiet', '-i', CLIP, '-f', 'wav', '-']);
    expect(piped.readUInt32LE(4)).toBe(0xffffffff);
    const { samples, warning } = await decodeAudioWithWarning(piped, 'pipe.wav');
    expect(warning).toBeUndefined();
    expect(samples.length).toBe(readFileSync(CLIP).length / 2 - 22);
  });
});
