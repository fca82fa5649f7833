/** A multipart/form-data body that cannot be read. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** The boundary of a multipart/form-data Content-Type, or undefined for any other type. */
export function formDataBoundary(contentType: string | undefined): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType ?? '')) return undefined;
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType!);
  if (!boundary) throw new MultipartError('multipart/form-data without a boundary');
  return boundary[1] ?? boundary[2];
}

/**
 * The content of the form field `field` in a multipart/form-data body (RFC 7578), such as the
 * file of `curl -F file=@talk.wav`; undefined when the form has no such field.
 */
export function formDataField(body: Buffer, boundary: string, field: string): Buffer | undefined {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let start = firstPartStart(body, delimiter);
  for (;;) {
    if (body.subarray(start, start + 2).toString() === '--') return undefined; // the closing delimiter
    const end = body.indexOf(delimiter, start);
    if (end === -1) throw new MultipartError('multipart body ends inside a part');
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd === -1 || headerEnd > end) throw new MultipartError('multipart part without headers');
    if (partName(body.subarray(start, headerEnd).toString('latin1')) === field) return body.subarray(headerEnd + 4, end);
    start = end + delimiter.length;
  }
}

/** Just after the first delimiter, which may open the body without the CRLF that precedes the others. */
function firstPartStart(body: Buffer, delimiter: Buffer): number {
  const opening = delimiter.subarray(2);
  if (body.subarray(0, opening.length).equals(opening)) return opening.length;
  const at = body.indexOf(delimiter);
  if (at === -1) throw new MultipartError('multipart body without its boundary');
  return at + delimiter.length;
}

function partName(headers: string): string | undefined {
  const disposition = headers.split('\r\n').find((line) => /^content-disposition\s*:/i.test(line));
  return disposition && /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
}
