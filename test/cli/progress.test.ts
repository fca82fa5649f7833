import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from '../../src/cli/progress.js';

function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const stream = new Writable({ write: (chunk, _encoding, done) => ((written += String(chunk)), done()) });
  return { stream: Object.assign(stream, { isTTY }) as unknown as NodeJS.WriteStream, text: () => written };
}

describe('Progress', () => {
  it('formats durations as minutes and seconds, or hours and minutes', () => {
    expect(formatDuration(9.4)).toBe('0m09s');
    expect(formatDuration(754)).toBe('12m34s');
    expect(formatDuration(3 * 3600 + 5 * 60 + 59)).toBe('3h05m');
    expect(formatDuration(-3)).toBe('0m00s');
  });

  it('prints plain lines off a terminal, with failures, audio duration and the last file', () => {
    const out = capture(false);
    const progress = new Progress(2, 'transcribe', out.stream);
    progress.tick(0, true);
    progress.log('error: x.wav: not audio');
    progress.tick(75);
    progress.finish();
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(/^transcribe 1\/2 files \(1 failed\), 0m00s of audio/);
    expect(lines).toContain('error: x.wav: not audio');
    expect(lines.at(-1)).toMatch(/^transcribe 2\/2 files \(1 failed\), 1m15s of audio, \d+x real time, ETA 0m00s$/);
  });

  it('redraws one bar in place on a terminal and keeps logged lines above it', () => {
    const out = capture(true);
    const progress = new Progress(4, 'features', out.stream);
    progress.tick(1);
    progress.log('error: y.wav: bad header');
    progress.tick(1);
    progress.finish();
    expect(out.text()).toContain('\r\x1b[K[######..................] features 1/4 files');
    expect(out.text()).toContain('\r\x1b[Kerror: y.wav: bad header\n');
    expect(out.text().endsWith('\n')).toBe(true);
  });
});
