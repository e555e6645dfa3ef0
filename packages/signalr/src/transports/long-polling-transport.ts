import type { TransportKind } from '../hub-metrics';
import type { PreparedMessage } from '../prepared-message';
import type { HubProtocol } from '../protocol/hub-protocol';
import type { ConnectionTransport, TransportOwner } from './connection-transport';

/** What one poll answers: 200 with whatever was queued (maybe nothing), or 204 when the connection ended. */
export type PollAnswer = { status: 200; body: Buffer } | { status: 204 };

const empty = Buffer.alloc(0);

/**
 * Long polling: the client sends with POSTs and receives with a chain of GETs, each answered with everything
 * queued since the last, or empty after the poll timeout. The first poll answers at once (both official clients
 * wait for it before sending the handshake); a newer poll ends a pending one with 204; once the connection
 * ended, the next poll gets 204, which the client takes as "terminated by the server".
 */
export class LongPollingTransport implements ConnectionTransport {
  readonly kind: TransportKind = 'LongPolling';
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private pending: { answer(result: PollAnswer): void; timer: NodeJS.Timeout } | undefined;
  private activated = false;
  private closing = false;
  private finished = false;
  private drainWaiters: Array<() => void> = [];
  /** When the last poll ended; with none pending for long, the client is gone. */
  private idleSince: number;

  constructor(
    private readonly owner: TransportOwner,
    private readonly pollTimeoutMs: number,
    now: number,
  ) {
    this.idleSince = now;
  }

  poll(now: number): Promise<PollAnswer> {
    if (this.finished) return Promise.resolve({ status: 204 });
    if (!this.activated) {
      this.activated = true;
      this.idleSince = now;
      return Promise.resolve({ status: 200, body: empty });
    }
    this.answerPending({ status: 204 });
    if (this.queuedBytes > 0) return Promise.resolve(this.take(now));
    if (this.closing) return Promise.resolve(this.finish());
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answerPending({ status: 200, body: empty }), this.pollTimeoutMs);
      this.pending = { answer: resolve, timer };
    });
  }

  /** The client went away in the middle of a poll. */
  pollAborted(now: number): void {
    if (!this.pending) return;
    clearTimeout(this.pending.timer);
    this.pending = undefined;
    this.idleSince = now;
  }

  /** True when no poll has been waiting for `timeoutMs`: a client that stopped polling is gone. */
  idleFor(now: number, timeoutMs: number): boolean {
    return this.pending === undefined && !this.finished && now - this.idleSince > timeoutMs;
  }

  send(message: PreparedMessage, protocol: HubProtocol): void {
    this.enqueue(message.record(protocol));
  }

  sendBytes(bytes: Buffer): void {
    this.enqueue(bytes);
  }

  get bufferedBytes(): number {
    return this.queuedBytes;
  }

  /** The client was told (204) that the connection ended. */
  get ended(): boolean {
    return this.finished;
  }

  drained(): Promise<void> {
    if (this.queuedBytes === 0 || this.finished) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (!this.pending) return;
    // A pending poll takes what is still queued (a Close message); the poll after it gets 204.
    if (this.queuedBytes > 0) this.answerPending(this.take(Date.now()));
    else this.answerPending(this.finish());
  }

  abort(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.close();
  }

  private enqueue(bytes: Buffer): void {
    if (this.finished || this.closing) return;
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    // Answer on the next tick, so that records written together leave in one response.
    if (this.pending && this.queue.length === 1) {
      setImmediate(() => {
        if (this.pending && this.queuedBytes > 0) this.answerPending(this.take(Date.now()));
      });
    }
  }

  private take(now: number): PollAnswer {
    const body = this.queue.length === 1 ? (this.queue[0] as Buffer) : Buffer.concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.idleSince = now;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    return { status: 200, body };
  }

  private finish(): PollAnswer {
    this.finished = true;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    this.owner.transportClosed(this, true);
    return { status: 204 };
  }

  private answerPending(answer: PollAnswer): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.answer(answer);
  }
}
