import { describe, expect, it } from 'vitest';
import { encodeNpyFloat16, toFloat16Bits } from '../../src/cli/npy.js';

describe('float16 .npy', () => {
  it('rounds to IEEE half precision', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });

  it('writes a numpy 1.0 header aligned to 64 bytes', () => {
    const bytes = encodeNpyFloat16(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
    expect(header).toContain("'descr': '<f2'");
    expect(header).toContain("'shape': (2, 3)");
    expect(bytes.length).toBe(10 + headerLength + 12);
    expect(new Uint16Array(bytes.buffer.slice(10 + headerLength))[5]).toBe(toFloat16Bits(6));
  });
});
