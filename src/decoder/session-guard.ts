/** Makes a session throw once it has been finished. */
export class SessionGuard {
  private finished = false;

  check(): void {
    if (this.finished) throw new Error('the decoder session is finished');
  }

  finish(): void {
    this.check();
    this.finished = true;
  }
}
