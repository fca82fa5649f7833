import type { Place } from './template.js';

/** A context file that cannot be used: the message names the file, the line and the reason. */
export class ContextError extends Error {
  override readonly name = 'ContextError';

  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }

  static at(place: Place, reason: string): ContextError {
    return new ContextError(place.file, place.line, reason);
  }
}
