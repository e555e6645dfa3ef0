import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { TransportKind } from '../hub-metrics';
import type { PreparedMessage } from '../prepared-message';
import type { HubProtocol } from '../protocol/hub-protocol';
import type { ConnectionTransport, TransportOwner } from './connection-transport';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
// ws exports its frame builder but @types/ws does not declare it.
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const textOpcode = 0x1;
const binaryOpcode = 0x2;

/** A whole unmasked server frame: header and payload in one buffer, so it goes out in one write. */
function frame(payload: Buffer, opcode: number): Buffer {
  const [header, data] = Sender.frame(payload, { fin: true, rsv1: false, opcode, mask: false, readOnly: true });
  return data ? Buffer.concat([header as Buffer, data]) : (header as Buffer);
}

const textFrame = (record: Buffer) => frame(record, textOpcode);
const binaryFrame = (record: Buffer) => frame(record, binaryOpcode);

/** Close codes that mean the client ended the WebSocket on purpose; anything else is a drop. */
const deliberateCloseCodes = new Set([1000, 1001, 1005]);

/**
 * WebSockets, full duplex. JSON goes in text frames and MessagePack in binary ones (the JS client's JSON parser
 * throws on binary data); inbound frames of either type are a byte stream. Each message leaves as one frame,
 * never split. Frames are built once per message and written straight to the socket, the pre-framed broadcast of
 * ws#617: ws writes every frame of its own whole and synchronously (permessage-deflate is off), so writing
 * ours between them keeps the stream well-formed.
 */
export class WebSocketTransport implements ConnectionTransport {
  readonly kind: TransportKind = 'WebSockets';
  private ended = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    owner: TransportOwner,
  ) {
    ws.on('message', (data) => {
      owner.receive(data as Buffer);
    });
    ws.on('close', (code) => {
      this.ended = true;
      owner.transportClosed(this, deliberateCloseCodes.has(code));
    });
    // A failed socket is followed by 'close'; without a listener the error would be thrown.
    ws.on('error', () => {});
  }

  send(message: PreparedMessage, protocol: HubProtocol): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const binary = protocol.transferFormat === 'Binary';
    this.socket.write(message.framed(protocol, binary ? 'ws-binary' : 'ws-text', binary ? binaryFrame : textFrame));
  }

  sendBytes(bytes: Buffer, binary: boolean): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.socket.write(binary ? binaryFrame(bytes) : textFrame(bytes));
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  drained(): Promise<void> {
    if (this.ended || this.ws.bufferedAmount === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  abort(): void {
    this.ws.terminate();
  }

  /** Drops the socket without a closing handshake (a newer socket of the same connection took over). */
  terminate(): void {
    this.ws.terminate();
  }
}
