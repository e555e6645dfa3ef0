import type { ServerResponse } from 'node:http';
import type { TransportKind } from '../hub-metrics';
import type { PreparedMessage } from '../prepared-message';
import type { HubProtocol } from '../protocol/hub-protocol';
import type { ConnectionTransport, TransportOwner } from './connection-transport';

const newline = 0x0a;
const carriageReturn = 0x0d;
const dataPrefix = Buffer.from('data: ');
const lineEnd = Buffer.from('\r\n');

/**
 * One SSE event carrying `payload`: each of its lines as `data: <line>\r\n` (a trailing \r dropped), then an
 * empty line (TransportProtocols.md, "Server-Sent Events").
 */
export function serverSentEvent(payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < payload.length) {
    let end = payload.indexOf(newline, start);
    if (end === -1) end = payload.length;
    const lineEndsAt = end > start && payload[end - 1] === carriageReturn ? end - 1 : end;
    parts.push(dataPrefix, payload.subarray(start, lineEndsAt), lineEnd);
    start = end + 1;
  }
  parts.push(lineEnd);
  return Buffer.concat(parts);
}

/**
 * Server-Sent Events: server to client only, text only; the client sends with POSTs. The stream is opened with a
 * comment so that EventSource fires `open` at once, and every event is written through unbuffered.
 */
export class ServerSentEventsTransport implements ConnectionTransport {
  readonly kind: TransportKind = 'ServerSentEvents';

  constructor(
    private readonly res: ServerResponse,
    owner: TransportOwner,
  ) {
    // The client ends an SSE connection only by closing the stream.
    res.once('close', () => owner.transportClosed(this, true));
  }

  /** Sends the headers and the opening comment. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache,no-store',
      Pragma: 'no-cache',
      'Content-Encoding': 'identity',
      // Proxies such as nginx buffer responses unless told otherwise; SSE needs every event at once.
      'X-Accel-Buffering': 'no',
    });
    this.res.socket?.setNoDelay(true);
    this.res.write(':\r\n');
  }

  send(message: PreparedMessage, protocol: HubProtocol): void {
    if (!this.writable) return;
    this.res.write(message.framed(protocol, 'sse', serverSentEvent));
  }

  sendBytes(bytes: Buffer): void {
    if (this.writable) this.res.write(serverSentEvent(bytes));
  }

  get bufferedBytes(): number {
    // Counts the socket's buffer too.
    return this.res.writableLength;
  }

  drained(): Promise<void> {
    if (!this.writable || this.bufferedBytes === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }

  close(): void {
    if (this.writable) this.res.end();
  }

  abort(): void {
    this.res.destroy();
  }

  private get writable(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }
}
