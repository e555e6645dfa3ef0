import { HubError } from './hub-definition';
import { ProtocolError } from './protocol/protocol-error';

/**
 * A client-to-server stream as the hub method sees it: an async iterable fed by the client's StreamItem messages
 * and ended by its Completion. Items wait here until the method takes them; a client that sends more than
 * `capacity` ahead of the method is breaking the protocol's flow control and gets its connection closed.
 */
export class UploadStream implements AsyncIterable<unknown> {
  private readonly items: unknown[] = [];
  private finished = false;
  private failure: string | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly streamId: string,
    private readonly capacity: number,
  ) {}

  push(item: unknown): void {
    if (this.finished) return;
    if (this.items.length >= this.capacity) {
      throw new ProtocolError(
        `Stream '${this.streamId}' received more than ${this.capacity} items ahead of its reader.`,
      );
    }
    this.items.push(item);
    this.notify();
  }

  /** The client ended the stream, with an error or without. */
  complete(error?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    for (;;) {
      if (this.items.length > 0) {
        yield this.items.shift();
      } else if (this.finished) {
        if (this.failure !== undefined) throw new HubError(this.failure);
        return;
      } else {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
