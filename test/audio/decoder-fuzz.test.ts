import { expect, it } from 'vitest';
// The fuzzer is plain JavaScript, shared with bench/fuzz.mjs.
import { FORMATS, fuzzDecoders } from '../../bench/fuzz/decoders.mjs';
import { hasTool } from '../helpers.js';

const CASES_PER_FORMAT = 200;
const encoders = ['sox', 'opusenc', 'lame', 'ffmpeg'].every(hasTool);

interface Figures {
  cases: number;
  decoded: number;
  warned: number;
  rejected: number;
  failures: { index: number; kind: string; message: string }[];
}

it.skipIf(!encoders)(`${CASES_PER_FORMAT} mutated files of each of ${FORMATS.length} formats decode or fail with AudioDecodeError, each within 10 s`, async () => {
  const figures = (await fuzzDecoders({ seed: 20261202, casesPerFormat: CASES_PER_FORMAT, timeoutMs: 10_000 })) as Record<string, Figures>;
  for (const [format, f] of Object.entries(figures)) {
    expect(f.failures, format).toEqual([]);
    expect(f.decoded + f.warned + f.rejected, format).toBe(CASES_PER_FORMAT);
    // Both outcomes must be well exercised for the fuzzing to mean anything.
    expect(f.decoded + f.warned, format).toBeGreaterThan(CASES_PER_FORMAT / 100);
    expect(f.rejected, format).toBeGreaterThan(CASES_PER_FORMAT / 100);
  }
}, 300_000);
