import type { Logger } from '@shop/kit';

export interface SweepPass {
  expired: number;
  /** The pass was full: more may be waiting, so the next one starts at once. */
  more: boolean;
}

/**
 * Runs the expiry sweep every `intervalMs` in the background, one pass at a time. Every replica runs one;
 * each expiry is a conditional status change, so racing sweepers release each reservation exactly once.
 */
export class ReservationSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly sweep: () => Promise<SweepPass>,
    private readonly options: { intervalMs: number; log: Logger },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops scheduling and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.pass = this.runPasses().finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    // A pending sweep never keeps the process alive on its own.
    this.timer.unref();
  }

  private async runPasses(): Promise<void> {
    try {
      for (;;) {
        const pass = await this.sweep();
        if (pass.expired > 0) this.options.log.info({ expired: pass.expired }, 'expired reservations released');
        if (!pass.more || !this.running) return;
      }
    } catch (error) {
      this.options.log.error({ err: error }, 'reservation expiry sweep failed; will retry');
    }
  }
}
