import { describe, expect, it } from 'vitest';
import { FrameAudio } from '../../src/recognizer/frame-audio.js';

describe('FrameAudio', () => {
  const ramp = (from: number, count: number) => Float32Array.from({ length: count }, (_, i) => from + i);

  it("cuts out the samples of a stream's frames, however the samples arrived", () => {
    const audio = new FrameAudio(2, 4); // frame j covers samples [2j, 2j + 4)
    audio.append(ramp(0, 3));
    audio.append(ramp(3, 7));
    expect(Array.from(audio.framesAudio(1, 2))).toEqual([2, 3, 4, 5, 6, 7]);
    expect(audio.framesAudio(3, 0)).toHaveLength(0);
  });

  it('keeps the samples of later frames when it forgets earlier ones', () => {
    const audio = new FrameAudio(2, 4);
    audio.append(ramp(0, 10));
    audio.dropBefore(3); // samples 0-9 arrived together, and 6-9 are still needed
    audio.append(ramp(10, 4));
    expect(Array.from(audio.framesAudio(3, 2))).toEqual([6, 7, 8, 9, 10, 11]);
    audio.dropBefore(5); // now only samples 10-13 are
    expect(Array.from(audio.framesAudio(5, 1))).toEqual([10, 11, 12, 13]);
  });
});
