/**
 * The samples behind a stream's latest MFCC frames. Frame j of a stream covers samples
 * [j*hop, j*hop + frameLength), so the samples of any frame still held can be cut out again.
 * Pieces are kept as they arrived and only joined when cut out, once per utterance.
 */
export class FrameAudio {
  private pieces: Float32Array[] = [];
  /** The stream's index of the first sample of pieces[0]. */
  private firstSample = 0;

  constructor(private readonly hop: number, private readonly frameLength: number) {}

  append(samples: Float32Array): void {
    if (samples.length > 0) this.pieces.push(samples);
  }

  /** The samples of the stream's frames [first, first + count). */
  framesAudio(first: number, count: number): Float32Array {
    if (count <= 0) return new Float32Array(0);
    const start = first * this.hop;
    const out = new Float32Array((count - 1) * this.hop + this.frameLength);
    let pieceStart = this.firstSample;
    for (const piece of this.pieces) {
      const from = Math.max(start, pieceStart);
      const to = Math.min(start + out.length, pieceStart + piece.length);
      if (from < to) out.set(piece.subarray(from - pieceStart, to - pieceStart), from - start);
      pieceStart += piece.length;
    }
    return out;
  }

  /** Forgets the pieces that only frames before `first` cover. */
  dropBefore(first: number): void {
    const keepFrom = first * this.hop;
    while (this.pieces.length > 0 && this.firstSample + this.pieces[0].length <= keepFrom) {
      this.firstSample += this.pieces.shift()!.length;
    }
  }
}
