/**
 * One line per finished run; on a terminal also a live line with the run in progress and its
 * elapsed time.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private readonly tty = process.stderr.isTTY === true;
  private done = 0;
  private readonly started = Date.now();

  constructor(private readonly total: number) {}

  begin(label: string): void {
    const t0 = Date.now();
    if (!this.tty) {
      process.stderr.write(`[${this.done + 1}/${this.total}] ${label} ...\n`);
      return;
    }
    const draw = () => {
      const elapsed = Math.round((Date.now() - t0) / 1000);
      process.stderr.write(`\r\x1b[2K[${this.done + 1}/${this.total}] ${label} ${elapsed}s`);
    };
    draw();
    this.timer = setInterval(draw, 1000);
  }

  end(label: string, verdict: string, ms: number): void {
    if (this.timer) clearInterval(this.timer);
    this.done++;
    const eta = this.done < this.total ? `, about ${Math.round((((Date.now() - this.started) / this.done) * (this.total - this.done)) / 60_000)} min left` : '';
    process.stderr.write(`${this.tty ? '\r\x1b[2K' : ''}[${this.done}/${this.total}] ${label} ${verdict.toUpperCase()} (${Math.round(ms / 1000)}s${eta})\n`);
  }
}
