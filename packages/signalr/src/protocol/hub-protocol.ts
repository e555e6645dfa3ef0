import type { HubMessage } from './hub-messages';

/** What a transport can carry: SSE is text only; WebSockets and long polling carry both. */
export type TransferFormat = 'Text' | 'Binary';

/** Turns inbound bytes into hub messages, keeping partial records between calls. */
export interface HubMessageReader {
  /** The whole messages completed by `chunk`; unknown message types are skipped. Throws ProtocolError. */
  push(chunk: Buffer): HubMessage[];
}

/** A hub protocol as the handshake names it: `json` or `messagepack`. */
export interface HubProtocol {
  readonly name: string;
  /** Handshake versions it accepts: 1, and 2 for stateful reconnect. */
  readonly versions: readonly number[];
  readonly transferFormat: TransferFormat;
  createReader(maxMessageBytes: number): HubMessageReader;
  /** One framed record (separator or length prefix included). */
  write(message: HubMessage): Buffer;
}
