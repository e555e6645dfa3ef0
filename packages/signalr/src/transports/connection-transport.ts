import type { TransportKind } from '../hub-metrics';
import type { PreparedMessage } from '../prepared-message';
import type { HubProtocol } from '../protocol/hub-protocol';

/** What a transport reports to the connection it carries. */
export interface TransportOwner {
  /** Bytes from the client: any number of records, possibly partial. */
  receive(chunk: Buffer): void;
  /** The transport ended; `graceful` when the client meant to end it (not a dropped socket). */
  transportClosed(transport: ConnectionTransport, graceful: boolean): void;
}

/** The server-to-client half of a transport, and its end. */
export interface ConnectionTransport {
  readonly kind: TransportKind;
  /** Writes one message whole, reusing framing shared with other connections that receive the same message. */
  send(message: PreparedMessage, protocol: HubProtocol): void;
  /** Writes bytes as they are: handshake answers, replayed records. `binary` picks the WebSocket frame type. */
  sendBytes(bytes: Buffer, binary: boolean): void;
  /** Bytes written but not yet taken by the client. */
  readonly bufferedBytes: number;
  /** Resolves when the buffered bytes were taken (or the transport ended). */
  drained(): Promise<void>;
  /** Ends the transport after what was written. */
  close(): void;
  /** Drops the transport at once, discarding whatever is still buffered (a client that stopped reading). */
  abort(): void;
}
