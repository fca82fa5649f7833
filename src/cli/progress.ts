/**
 * Batch progress on stderr: a bar redrawn in place on a terminal (files, audio duration, speed, ETA),
 * plain lines every few seconds otherwise.
 */
export class Progress {
  private done = 0;
  private failed = 0;
  private audioSeconds = 0;
  private readonly started = Date.now();
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(private readonly total: number, private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  tick(audioSeconds: number, failed = false): void {
    this.done++;
    if (failed) this.failed++;
    this.audioSeconds += audioSeconds;
    const now = Date.now();
    if (this.done === this.total || now - this.lastPrint >= (this.tty ? 100 : 5000)) {
      this.lastPrint = now;
      this.print();
    }
  }

  /** Prints a message without tearing the bar. */
  log(message: string): void {
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(message + '\n');
    if (this.tty && this.done > 0 && this.done < this.total) this.print();
  }

  finish(): void {
    if (this.tty && this.done > 0) this.stream.write('\n');
  }

  private print(): void {
    const elapsed = (Date.now() - this.started) / 1000;
    const speed = elapsed > 0 ? this.audioSeconds / elapsed : 0;
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
    const text =
      `${this.label} ${this.done}/${this.total} files` +
      (this.failed ? ` (${this.failed} failed)` : '') +
      `, ${formatDuration(this.audioSeconds)} of audio, ${speed.toFixed(0)}x real time, ETA ${formatDuration(eta)}`;
    if (!this.tty) {
      this.stream.write(text + '\n');
      return;
    }
    const width = 24;
    const filled = Math.round((this.done / this.total) * width);
    this.stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
