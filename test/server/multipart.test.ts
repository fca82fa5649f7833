import { describe, expect, it } from 'vitest';
import { formDataBoundary, formDataField, MultipartError } from '../../src/server/multipart.js';

const CRLF = '\r\n';

function form(boundary: string, parts: { headers: string[]; content: string }[], preamble = ''): Buffer {
  const body = parts.map((p) => `--${boundary}${CRLF}${p.headers.join(CRLF)}${CRLF}${CRLF}${p.content}${CRLF}`).join('');
  return Buffer.from(`${preamble}${body}--${boundary}--${CRLF}`, 'latin1');
}

describe('formDataBoundary', () => {
  it('reads the boundary of multipart/form-data, quoted or not, and nothing from other types', () => {
    expect(formDataBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123');
    expect(formDataBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b;c"')).toBe('a b;c');
    expect(formDataBoundary('audio/wav')).toBeUndefined();
    expect(formDataBoundary(undefined)).toBeUndefined();
    expect(() => formDataBoundary('multipart/form-data; charset=utf-8')).toThrow(MultipartError);
  });
});

describe('formDataField', () => {
  const fields = [
    { headers: ['Content-Disposition: form-data; name="response_format"'], content: 'json' },
    { headers: ['Content-Disposition: form-data; name="file"; filename="talk.wav"', 'Content-Type: audio/wav'], content: 'RIFF\r\n--not-the-boundary\r\n\u00ff' },
  ];

  it('returns the named field byte for byte, CRLFs and near-boundaries inside it included', () => {
    expect(formDataField(form('XyZ', fields), 'XyZ', 'file')!.toString('latin1')).toBe('RIFF\r\n--not-the-boundary\r\n\u00ff');
    expect(formDataField(form('XyZ', fields), 'XyZ', 'response_format')!.toString()).toBe('json');
  });

  it('skips a preamble and finds a part without a Content-Type or with an empty body', () => {
    const body = form('b', [{ headers: ['content-disposition: form-data; name="file"'], content: '' }], 'preamble text\r\n');
    expect(formDataField(body, 'b', 'file')!.length).toBe(0);
  });

  it('returns undefined when no part has the name', () => {
    expect(formDataField(form('XyZ', fields), 'XyZ', 'audio')).toBeUndefined();
    expect(formDataField(form('XyZ', []), 'XyZ', 'file')).toBeUndefined();
  });

  it('rejects a body without the boundary or cut off inside a part', () => {
    expect(() => formDataField(Buffer.from('RIFF....'), 'XyZ', 'file')).toThrow(MultipartError);
    const whole = form('XyZ', fields);
    expect(() => formDataField(whole.subarray(0, whole.length - 40), 'XyZ', 'file')).toThrow(/ends inside a part/);
  });
});
