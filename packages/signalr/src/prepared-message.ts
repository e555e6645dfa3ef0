import { type HubMessage, isTrackable, MessageType } from './protocol/hub-messages';
import type { HubProtocol } from './protocol/hub-protocol';

/**
 * A message on its way to any number of connections, serialised at most once per hub protocol and framed at most
 * once per transport framing (a WebSocket frame, an SSE event), however many connections it reaches: fanning out
 * to 10,000 connections costs one serialisation, not 10,000 (aspnet/SignalR#1498, ws#617).
 */
export class PreparedMessage {
  private readonly records = new Map<string, Buffer>();
  private readonly frames = new Map<string, Buffer>();

  private constructor(
    readonly message: HubMessage | undefined,
    /** Type of the message, for stateful reconnect's sequence counting. */
    readonly type: number,
  ) {}

  static of(message: HubMessage): PreparedMessage {
    return new PreparedMessage(message, message.type);
  }

  /** A fire-and-forget invocation of a client method: what every server "send" is. */
  static invocation(target: string, args: unknown[]): PreparedMessage {
    return PreparedMessage.of({ type: MessageType.Invocation, target, arguments: args });
  }

  /**
   * An invocation already serialised by someone else, per protocol name (the Azure REST API's binary payloads);
   * `fallback` serves connections whose protocol has no bytes here.
   */
  static encoded(records: Record<string, Buffer>, fallback?: HubMessage): PreparedMessage {
    const prepared = new PreparedMessage(fallback, MessageType.Invocation);
    for (const [protocol, bytes] of Object.entries(records)) prepared.records.set(protocol, bytes);
    return prepared;
  }

  get trackable(): boolean {
    return isTrackable(this.type);
  }

  /** The framed record (separator or length prefix included) in `protocol`. */
  record(protocol: HubProtocol): Buffer {
    let bytes = this.records.get(protocol.name);
    if (bytes === undefined) {
      if (this.message === undefined) throw new Error(`no ${protocol.name} encoding of this message`);
      bytes = protocol.write(this.message);
      this.records.set(protocol.name, bytes);
    }
    return bytes;
  }

  /** The record wrapped by a transport's framing (`framing` names it), computed once per protocol and framing. */
  framed(protocol: HubProtocol, framing: string, frame: (record: Buffer) => Buffer): Buffer {
    const key = `${protocol.name}:${framing}`;
    let bytes = this.frames.get(key);
    if (bytes === undefined) {
      bytes = frame(this.record(protocol));
      this.frames.set(key, bytes);
    }
    return bytes;
  }
}
