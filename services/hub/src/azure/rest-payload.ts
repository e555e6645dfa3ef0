import { decode } from '@msgpack/msgpack';
import type { FieldError } from '@shop/kit';
import {
  BinaryRecordReader,
  type HubMessage,
  type HubProtocol,
  jsonHubProtocol,
  MessageType,
  messagePackHubProtocol,
  PreparedMessage,
  ProtocolError,
  TextRecordReader,
} from '@shop/signalr';

export type PayloadResult = { ok: true; message: PreparedMessage } | { ok: false; errors: FieldError[] };

const binaryTypes = new Set(['application/x-msgpack', 'application/octet-stream']);
const protocols: Record<string, HubProtocol> = { json: jsonHubProtocol, messagepack: messagePackHubProtocol };

/**
 * The message of a REST send. JSON `{target, arguments}` with the property names matched case-insensitively (the
 * Management SDK writes `Target`/`Arguments`); or, as `application/x-msgpack` / `application/octet-stream`, a
 * MessagePack map of protocol name to the complete invocation record in that protocol, forwarded as sent.
 */
export function readPayload(contentType: string, body: Buffer, maxMessageBytes: number): PayloadResult {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return binaryTypes.has(mediaType) ? binaryPayload(body, maxMessageBytes) : jsonPayload(body);
}

function jsonPayload(body: Buffer): PayloadResult {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return refused('body', 'body must be a JSON object {target, arguments}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refused('body', 'body must be a JSON object {target, arguments}');
  }
  let target: unknown;
  let args: unknown;
  for (const [name, field] of Object.entries(value)) {
    const key = name.toLowerCase();
    if (key === 'target') target = field;
    else if (key === 'arguments') args = field;
  }
  const errors: FieldError[] = [];
  if (typeof target !== 'string' || target.trim() === '') {
    errors.push({ path: 'body.target', message: 'target must be a non-empty string (the client method to invoke)' });
  } else if (target.length > 1024) {
    errors.push({ path: 'body.target', message: 'target must be at most 1024 characters' });
  }
  if (args !== undefined && args !== null && !Array.isArray(args)) {
    errors.push({ path: 'body.arguments', message: 'arguments must be an array (or null)' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    message: PreparedMessage.invocation(target as string, Array.isArray(args) ? args : []),
  };
}

function binaryPayload(body: Buffer, maxMessageBytes: number): PayloadResult {
  let map: unknown;
  try {
    map = decode(body);
  } catch {
    return refused('body', 'body must be a MessagePack map of protocol name to invocation record');
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map) || map instanceof Uint8Array) {
    return refused('body', 'body must be a MessagePack map of protocol name to invocation record');
  }
  const records: Record<string, Buffer> = {};
  let fallback: HubMessage | undefined;
  for (const [name, bytes] of Object.entries(map)) {
    const protocol = protocols[name];
    if (!protocol) continue;
    if (!(bytes instanceof Uint8Array)) return refused(`body.${name}`, `${name} must be binary`);
    const record = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const message = onlyInvocation(protocol, record, maxMessageBytes);
    if (!message) {
      return refused(`body.${name}`, `${name} must hold exactly one complete invocation record without an id`);
    }
    records[name] = record;
    fallback ??= message;
  }
  if (!fallback) return refused('body', 'body names no record in a supported protocol (json, messagepack)');
  // Connections on a protocol the caller sent no bytes for get the message serialised from the other record.
  return { ok: true, message: PreparedMessage.encoded(records, fallback) };
}

function onlyInvocation(protocol: HubProtocol, record: Buffer, maxMessageBytes: number): HubMessage | undefined {
  try {
    // The bytes go to clients as they are, so they must be one whole record and nothing more.
    const framing =
      protocol.transferFormat === 'Text'
        ? new TextRecordReader(maxMessageBytes)
        : new BinaryRecordReader(maxMessageBytes);
    if (framing.push(record).length !== 1 || framing.bufferedBytes !== 0) return undefined;
    const messages = protocol.createReader(maxMessageBytes).push(record);
    const [message] = messages;
    if (messages.length !== 1 || !message || message.type !== MessageType.Invocation) return undefined;
    if (message.invocationId !== undefined) return undefined;
    return message;
  } catch (error) {
    if (error instanceof ProtocolError) return undefined;
    throw error;
  }
}

function refused(path: string, message: string): PayloadResult {
  return { ok: false, errors: [{ path, message }] };
}
