// The sending side of the Dapr ceiling benchmark: a fixed number of operations in flight for a fixed time, each
// handed the next message sequence numbers, with an optional window that holds the sender back while too many
// of its messages wait in the stream.
import { percentile } from '../scenarios/rates';

export interface LoadOutcome {
  /** Sequence numbers handed out: the messages the receivers must account for, 0 … sent-1. */
  sent: number;
  /** Messages whose operation succeeded. */
  completed: number;
  operations: number;
  failures: number;
  firstFailure?: string;
  /** Latency of one operation (a publish call, a bulk publish call, an invocation), as the sender sees it. */
  p50Ms: number;
  p99Ms: number;
  elapsedMs: number;
}

export interface LoadOptions {
  concurrency: number;
  seconds: number;
  /** Messages one operation carries (1, or the batch size of a bulk publish). */
  messagesPerOperation: number;
  window?: DeliveryWindow;
}

/** Runs `operation(firstSequence)` from `concurrency` loops until `seconds` pass; a thrown error is a failure. */
export async function closedLoop(
  options: LoadOptions,
  operation: (firstSequence: number) => Promise<void>,
): Promise<LoadOutcome> {
  const latencies: number[] = [];
  let sent = 0;
  let completed = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = Date.now() + options.seconds * 1000;
  options.window?.start();
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (Date.now() < deadline) {
          // Checked in the same synchronous step as the sequence is taken, or senders woken together would all
          // take the one free place.
          if (options.window && !options.window.hasRoom(sent)) {
            await options.window.nextCount();
            continue;
          }
          const first = sent;
          sent += options.messagesPerOperation;
          const begun = performance.now();
          try {
            await operation(first);
            completed += options.messagesPerOperation;
          } catch (error) {
            failures += 1;
            firstFailure ??= String((error as Error)?.message ?? error);
          }
          latencies.push(performance.now() - begun);
        }
      }),
    );
  } finally {
    await options.window?.stop();
  }
  latencies.sort((a, b) => a - b);
  return {
    sent,
    completed,
    operations: latencies.length,
    failures,
    firstFailure,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    elapsedMs: performance.now() - started,
  };
}

const pollIntervalMs = 50;
const stallLimitMs = 60_000;

/**
 * Keeps the messages sent but not yet received by the slowest subscriber under `limit`. The project's pub/sub
 * trims each stream to about 10,000 entries (components/pubsub.yaml maxLenApprox), so a publisher that ran
 * further ahead of a consumer group would have its oldest messages trimmed before they were read.
 */
export class DeliveryWindow {
  private delivered = 0;
  private stopped = false;
  private polling: Promise<void> | undefined;
  private lastProgress = Date.now();
  private failure: Error | undefined;
  private wakeUp: () => void = () => {};
  private nextPoll = new Promise<void>((resolve) => {
    this.wakeUp = resolve;
  });

  /** `receiptUrls` answer `{distinct}`: how many messages of this run each subscriber has received. */
  constructor(
    private readonly receiptUrls: readonly string[],
    private readonly limit: number,
  ) {}

  start(): void {
    this.polling = this.poll();
  }

  /** Whether a subscriber is less than the window behind `sent`. */
  hasRoom(sent: number): boolean {
    if (this.failure) throw this.failure;
    return sent - this.delivered < this.limit;
  }

  /** Resolves after the next count of what the subscribers received. */
  nextCount(): Promise<void> {
    return this.nextPoll;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.polling;
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      try {
        const counts = await Promise.all(
          this.receiptUrls.map(async (url) => ((await (await fetch(url)).json()) as { distinct: number }).distinct),
        );
        const delivered = Math.min(...counts);
        if (delivered > this.delivered) this.lastProgress = Date.now();
        this.delivered = delivered;
        if (Date.now() - this.lastProgress > stallLimitMs) {
          this.failure = new Error(`no subscriber progress for ${stallLimitMs} ms (stuck at ${delivered})`);
        }
      } catch (error) {
        this.failure = error as Error;
      }
      const wake = this.wakeUp;
      this.nextPoll = new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
      wake();
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
    this.wakeUp();
  }
}
