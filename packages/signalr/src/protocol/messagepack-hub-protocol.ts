import { Decoder, Encoder } from '@msgpack/msgpack';
import { BinaryRecordReader, binaryRecord } from './binary-records';
import { type HubMessage, hasResult, type MessageHeaders, MessageType } from './hub-messages';
import type { HubMessageReader, HubProtocol } from './hub-protocol';
import { ProtocolError } from './protocol-error';

const errorResult = 1;
const voidResult = 2;
const nonVoidResult = 3;

// One encoder for the process: encodeSharedRef reuses its buffer, and every record is copied out at once.
const encoder = new Encoder({ ignoreUndefined: true });

/** The MessagePack hub protocol: each record is a MessagePack array behind a VarInt length prefix. */
export const messagePackHubProtocol: HubProtocol = {
  name: 'messagepack',
  versions: [1, 2],
  transferFormat: 'Binary',
  createReader(maxMessageBytes: number): HubMessageReader {
    const records = new BinaryRecordReader(maxMessageBytes);
    // A record cannot hold more items, bytes or characters than it has bytes; the limits stop a forged header
    // from making the decoder allocate for billions of items.
    const decoder = new Decoder({
      maxStrLength: maxMessageBytes,
      maxBinLength: maxMessageBytes,
      maxArrayLength: maxMessageBytes,
      maxMapLength: maxMessageBytes,
      maxExtLength: maxMessageBytes,
    });
    return {
      push(chunk) {
        const messages: HubMessage[] = [];
        for (const record of records.push(chunk)) {
          const message = parseMessagePackMessage(record, decoder);
          if (message) messages.push(message);
        }
        return messages;
      },
    };
  },
  write(message) {
    return binaryRecord(encoder.encodeSharedRef(arrayShape(message)));
  },
};

/** One record body (without its prefix) as a hub message, or undefined for an unknown message type. */
export function parseMessagePackMessage(body: Buffer, decoder: Decoder): HubMessage | undefined {
  let value: unknown;
  try {
    value = decoder.decode(body);
  } catch (error) {
    throw new ProtocolError(`Error reading MessagePack: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new ProtocolError('Expected a MessagePack array holding a message.');
  }
  const items = value as unknown[];
  const type = items[0];
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    throw new ProtocolError("Reading 'messageType' as Int32 failed.");
  }
  switch (type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation: {
      expectItems(items, 5, type);
      const headers = readHeaders(items[1]);
      const invocationId = readOptionalString(items[2], 'invocationId');
      if (type === MessageType.StreamInvocation && !invocationId) {
        throw new ProtocolError('Null or empty invocation ID for StreamInvocation message.');
      }
      const target = readOptionalString(items[3], 'target');
      if (!target) throw new ProtocolError('Null or empty target for Invocation message.');
      const args = items[4];
      if (!Array.isArray(args)) throw new ProtocolError("Reading array length for 'arguments' failed.");
      // Older clients send 5 items, newer ones add the stream ids.
      const streamIds = items.length > 5 ? readStreamIds(items[5]) : undefined;
      return {
        type,
        ...(headers ? { headers } : {}),
        ...(invocationId ? { invocationId } : {}),
        target,
        arguments: args,
        ...(streamIds ? { streamIds } : {}),
      } as HubMessage;
    }
    case MessageType.StreamItem: {
      expectItems(items, 4, type);
      const headers = readHeaders(items[1]);
      const invocationId = readRequiredId(items[2], 'StreamItem');
      return { type, ...(headers ? { headers } : {}), invocationId, item: items[3] };
    }
    case MessageType.Completion: {
      expectItems(items, 4, type);
      const headers = readHeaders(items[1]);
      const invocationId = readRequiredId(items[2], 'Completion');
      const kind = items[3];
      const base = { type, ...(headers ? { headers } : {}), invocationId } as const;
      if (kind === errorResult) {
        expectItems(items, 5, type);
        const error = readOptionalString(items[4], 'error');
        return { ...base, error: error ?? '' };
      }
      if (kind === voidResult) return base;
      if (kind === nonVoidResult) {
        expectItems(items, 5, type);
        return { ...base, result: items[4] };
      }
      throw new ProtocolError('Invalid invocation result kind.');
    }
    case MessageType.CancelInvocation: {
      expectItems(items, 3, type);
      const headers = readHeaders(items[1]);
      return { type, ...(headers ? { headers } : {}), invocationId: readRequiredId(items[2], 'CancelInvocation') };
    }
    case MessageType.Ping:
      return { type };
    case MessageType.Close: {
      expectItems(items, 2, type);
      const error = readOptionalString(items[1], 'error');
      const allowReconnect = items.length > 2 ? items[2] : false;
      if (typeof allowReconnect !== 'boolean') throw new ProtocolError("Reading 'allowReconnect' as Boolean failed.");
      return { type, ...(error ? { error } : {}), ...(allowReconnect ? { allowReconnect } : {}) };
    }
    case MessageType.Ack:
    case MessageType.Sequence: {
      expectItems(items, 2, type);
      const sequenceId = items[1];
      if (typeof sequenceId !== 'number' || !Number.isSafeInteger(sequenceId) || sequenceId < 0) {
        throw new ProtocolError("Reading 'sequenceId' as Int64 failed.");
      }
      return { type, sequenceId };
    }
    default:
      return undefined;
  }
}

function expectItems(items: unknown[], count: number, type: number): void {
  if (items.length < count) {
    throw new ProtocolError(`Message of type ${type} has ${items.length} item(s), expected at least ${count}.`);
  }
}

function readOptionalString(value: unknown, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') throw new ProtocolError(`Reading '${field}' as String failed.`);
  return value;
}

function readRequiredId(value: unknown, messageName: string): string {
  const id = readOptionalString(value, 'invocationId');
  if (!id) throw new ProtocolError(`Null or empty invocation ID for ${messageName} message.`);
  return id;
}

function readHeaders(value: unknown): MessageHeaders | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new ProtocolError("Reading map length for 'headers' failed.");
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  for (const [key, header] of entries) {
    if (key === '' || typeof header !== 'string' || header === '') {
      throw new ProtocolError('Null or empty key or value in header.');
    }
  }
  return Object.fromEntries(entries) as MessageHeaders;
}

function readStreamIds(value: unknown): string[] | undefined {
  if (value === null) return undefined;
  if (!Array.isArray(value)) throw new ProtocolError("Reading array length for 'streamIds' failed.");
  if (!value.every((id) => typeof id === 'string' && id !== '')) {
    throw new ProtocolError('Null or empty value in streamIds received.');
  }
  return value.length > 0 ? (value as string[]) : undefined;
}

/** The array to encode, item for item as ASP.NET Core's MessagePack writer lays it out. */
function arrayShape(message: HubMessage): unknown[] {
  switch (message.type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation:
      return [
        message.type,
        message.headers ?? {},
        message.invocationId ?? null,
        message.target,
        message.arguments,
        message.streamIds ?? [],
      ];
    case MessageType.StreamItem:
      return [message.type, message.headers ?? {}, message.invocationId, message.item ?? null];
    case MessageType.Completion:
      if (message.error !== undefined) {
        return [message.type, message.headers ?? {}, message.invocationId, errorResult, message.error];
      }
      return hasResult(message)
        ? [message.type, message.headers ?? {}, message.invocationId, nonVoidResult, message.result ?? null]
        : [message.type, message.headers ?? {}, message.invocationId, voidResult];
    case MessageType.CancelInvocation:
      return [message.type, message.headers ?? {}, message.invocationId];
    case MessageType.Ping:
      return [message.type];
    case MessageType.Close:
      return [message.type, message.error ? message.error : null, message.allowReconnect === true];
    case MessageType.Ack:
    case MessageType.Sequence:
      return [message.type, message.sequenceId];
  }
}
