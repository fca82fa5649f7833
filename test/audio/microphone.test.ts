import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import wavefile from 'wavefile';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Microphone, MicrophoneError, type Recorder } from '../../src/audio/index.js';
import { Pcm16Decoder } from '../../src/audio/microphone.js';
import { emptyDir, fakeRecorderDir } from '../cli/recorders.js';

const SAMPLES = Int16Array.from({ length: 4000 }, (_, i) => Math.round(32000 * Math.sin(i / 7)) - (i % 3));

function bytesOf(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((s, i) => view.setInt16(2 * i, s, true));
  return bytes;
}

function concat(parts: Int16Array[]): Int16Array {
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

describe('Pcm16Decoder', () => {
  it('gives the same samples however the bytes are split, odd splits included', () => {
    const bytes = bytesOf(SAMPLES.subarray(0, 64));
    for (const size of [1, 2, 3, 5, 127]) {
      const decoder = new Pcm16Decoder();
      const parts: Int16Array[] = [];
      for (let at = 0; at < bytes.length; at += size) parts.push(decoder.push(bytes.subarray(at, at + size)));
      expect(concat(parts)).toEqual(SAMPLES.subarray(0, 64));
    }
  });

  it('holds a lone byte back until its pair arrives', () => {
    const decoder = new Pcm16Decoder();
    expect(decoder.push(Uint8Array.of(0x01))).toEqual(new Int16Array(0));
    expect(decoder.push(Uint8Array.of(0x80, 0xff))).toEqual(Int16Array.of(-32767));
    expect(decoder.push(Uint8Array.of(0x7f))).toEqual(Int16Array.of(0x7fff));
  });
});

describe('Microphone', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function withFakeRecorders(env: Record<string, string>): Promise<string> {
    const bin = await fakeRecorderDir();
    vi.stubEnv('PATH', `${bin}${path.delimiter}${process.env.PATH}`);
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    return bin;
  }

  it('delivers the recorder output as whole samples though it arrives in odd-sized chunks', async () => {
    const bin = await withFakeRecorders({ FAKE_RECORDER_CHUNK: '333', FAKE_RECORDER_SPEED: '20' });
    vi.stubEnv('FAKE_RECORDER_DONE', path.join(bin, 'done'));
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 16000, '16', Array.from(SAMPLES));
    await writeFile(path.join(bin, 'clip.wav'), wav.toBuffer());
    vi.stubEnv('FAKE_RECORDER_PLAY', path.join(bin, 'clip.wav'));

    const microphone = new Microphone({ recorder: 'rec' });
    const chunks: Int16Array[] = [];
    microphone.start((pcm) => chunks.push(pcm), (error) => expect.unreachable(error.message));
    while (!existsSync(path.join(bin, 'done'))) await sleep(20);
    await sleep(100);
    microphone.stop();
    expect(chunks.length).toBeGreaterThan(1);
    expect(concat(chunks)).toEqual(SAMPLES);
  });

  it.each<[Recorder, string]>([
    ['arecord', 'alsa-utils'],
    ['rec', 'sox'],
    ['sox', 'sox'],
  ])('throws a recorder-missing error naming the package when %s is not installed', async (recorder, pkg) => {
    vi.stubEnv('PATH', await emptyDir());
    expect(() => new Microphone({ recorder })).toThrow(MicrophoneError);
    expect(() => new Microphone({ recorder })).toThrow(
      expect.objectContaining({ kind: 'recorder-missing', recorder, message: expect.stringContaining(`sudo apt-get install ${pkg}`) }),
    );
  });

  it('reports a recorder that exits, with the last line it printed', async () => {
    await withFakeRecorders({ FAKE_RECORDER_FAIL: 'arecord: main:831: audio open error: No such file or directory' });
    const error = await new Promise<MicrophoneError>((resolve) => new Microphone({ recorder: 'arecord' }).start(() => undefined, resolve));
    expect(error).toMatchObject({ kind: 'recorder-failed', recorder: 'arecord' });
    expect(error.message).toBe('arecord exited with code 1: arecord: main:831: audio open error: No such file or directory');
  });
});
