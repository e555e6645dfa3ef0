/**
 * Runs `send` after each `poke`, at most once per `minIntervalMs`, however many pokes come: pokes during a wait
 * or a send are folded into one more run after it. `send` reads the latest state itself when it runs, so the
 * last run always carries the latest figures. A failed run is reported to `onError` and does not stop later ones.
 */
export class CoalescingSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pending = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly send: () => Promise<void>,
    private readonly options: { minIntervalMs: number; onError: (error: unknown) => void },
  ) {}

  poke(): void {
    if (this.closed) return;
    this.pending = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.running || !this.pending) return;
    const wait = Math.max(0, this.lastStart + this.options.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
    this.timer.unref?.();
  }

  private run(): void {
    if (this.closed) return;
    this.pending = false;
    this.lastStart = Date.now();
    this.running = this.send()
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  /** Stops sending: a pending run is dropped; a run under way is awaited. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
