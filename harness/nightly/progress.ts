/**
 * One line per finished run; on a terminal also a live line with the runs in progress and their
 * elapsed times (several when the nightly runs them in parallel).
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private readonly tty = process.stderr.isTTY === true;
  private done = 0;
  private begun = 0;
  private readonly started = Date.now();
  private readonly running = new Map<string, number>();

  constructor(private readonly total: number) {}

  begin(label: string): void {
    this.begun++;
    this.running.set(label, Date.now());
    if (!this.tty) {
      process.stderr.write(`[${this.begun}/${this.total}] ${label} ...\n`);
      return;
    }
    this.draw();
    this.timer ??= setInterval(() => this.draw(), 1000);
  }

  end(label: string, verdict: string, ms: number): void {
    this.running.delete(label);
    if (this.running.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.done++;
    const eta = this.done < this.total ? `, about ${Math.round((((Date.now() - this.started) / this.done) * (this.total - this.done)) / 60_000)} min left` : '';
    process.stderr.write(`${this.tty ? '\r\x1b[2K' : ''}[${this.done}/${this.total}] ${label} ${verdict.toUpperCase()} (${Math.round(ms / 1000)}s${eta})\n`);
    if (this.tty && this.running.size > 0) this.draw();
  }

  private draw(): void {
    const now = Date.now();
    const runs = [...this.running].map(([label, t0]) => `${label} ${Math.round((now - t0) / 1000)}s`).join(' · ');
    process.stderr.write(`\r\x1b[2K[${this.done}/${this.total} done] ${runs}`.slice(0, (process.stderr.columns ?? 200) + 5));
  }
}
