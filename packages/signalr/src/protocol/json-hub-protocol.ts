import { type HubMessage, hasResult, type MessageHeaders, MessageType } from './hub-messages';
import type { HubMessageReader, HubProtocol } from './hub-protocol';
import { ProtocolError } from './protocol-error';
import { TextRecordReader, textRecord } from './text-records';

type JsonObject = Record<string, unknown>;

/** The JSON hub protocol: one UTF-8 JSON object per record, each ended by 0x1E. */
export const jsonHubProtocol: HubProtocol = {
  name: 'json',
  versions: [1, 2],
  transferFormat: 'Text',
  createReader(maxMessageBytes: number): HubMessageReader {
    const records = new TextRecordReader(maxMessageBytes);
    return {
      push(chunk) {
        const messages: HubMessage[] = [];
        for (const record of records.push(chunk)) {
          const message = parseJsonMessage(record);
          if (message) messages.push(message);
        }
        return messages;
      },
    };
  },
  write(message) {
    return textRecord(JSON.stringify(jsonShape(message)));
  },
};

/** One record (without its separator) as a hub message, or undefined for a message type this server does not know. */
export function parseJsonMessage(record: Buffer): HubMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(record.toString('utf8'));
  } catch (error) {
    throw new ProtocolError(`Error reading JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('Unexpected JSON Token Type. Expected a JSON Object.');
  }
  const json = value as JsonObject;
  const type = json.type;
  if (type === undefined) throw new ProtocolError("Missing required property 'type'.");
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    throw new ProtocolError("Expected 'type' to be of type Integer.");
  }
  switch (type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation: {
      const streaming = type === MessageType.StreamInvocation;
      const invocationId = optionalString(json, 'invocationId');
      if (streaming && !invocationId) throw new ProtocolError("Missing required property 'invocationId'.");
      const target = requiredString(json, 'target');
      if (target === '') throw new ProtocolError('Null or empty target for Invocation message.');
      const args = json.arguments;
      if (!Array.isArray(args)) throw new ProtocolError("Missing required property 'arguments'.");
      const streamIds = optionalStreamIds(json);
      const headers = optionalHeaders(json);
      return {
        type,
        ...(headers ? { headers } : {}),
        // An empty id means "no answer expected", as the MessagePack protocol says outright.
        ...(invocationId ? { invocationId } : {}),
        target,
        arguments: args,
        ...(streamIds ? { streamIds } : {}),
      } as HubMessage;
    }
    case MessageType.StreamItem: {
      const invocationId = requiredString(json, 'invocationId');
      if (!Object.hasOwn(json, 'item')) throw new ProtocolError("Missing required property 'item'.");
      const headers = optionalHeaders(json);
      return { type, ...(headers ? { headers } : {}), invocationId, item: json.item };
    }
    case MessageType.Completion: {
      const invocationId = requiredString(json, 'invocationId');
      const error = optionalString(json, 'error');
      const headers = optionalHeaders(json);
      if (error !== undefined && Object.hasOwn(json, 'result')) {
        throw new ProtocolError('The JSON message contains both an error and a result.');
      }
      return {
        type,
        ...(headers ? { headers } : {}),
        invocationId,
        ...(error !== undefined ? { error } : {}),
        ...(Object.hasOwn(json, 'result') ? { result: json.result } : {}),
      };
    }
    case MessageType.CancelInvocation: {
      const headers = optionalHeaders(json);
      return { type, ...(headers ? { headers } : {}), invocationId: requiredString(json, 'invocationId') };
    }
    case MessageType.Ping:
      return { type };
    case MessageType.Close: {
      const error = optionalString(json, 'error');
      const allowReconnect = json.allowReconnect;
      if (allowReconnect !== undefined && typeof allowReconnect !== 'boolean') {
        throw new ProtocolError("Expected 'allowReconnect' to be of type Boolean.");
      }
      return {
        type,
        ...(error !== undefined ? { error } : {}),
        ...(allowReconnect ? { allowReconnect } : {}),
      };
    }
    case MessageType.Ack:
    case MessageType.Sequence:
      return { type, sequenceId: requiredSequenceId(json) };
    default:
      // Unknown types are skipped so that protocol additions do not break older peers (HubProtocol.md).
      return undefined;
  }
}

function requiredString(json: JsonObject, name: string): string {
  const value = json[name];
  if (value === undefined || value === null) throw new ProtocolError(`Missing required property '${name}'.`);
  if (typeof value !== 'string') throw new ProtocolError(`Expected '${name}' to be of type String.`);
  return value;
}

function optionalString(json: JsonObject, name: string): string | undefined {
  const value = json[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ProtocolError(`Expected '${name}' to be of type String.`);
  return value;
}

function optionalStreamIds(json: JsonObject): string[] | undefined {
  const value = json.streamIds;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string' && id !== '')) {
    throw new ProtocolError("Expected 'streamIds' to be an array of non-empty strings.");
  }
  return value.length > 0 ? (value as string[]) : undefined;
}

function optionalHeaders(json: JsonObject): MessageHeaders | undefined {
  const value = json.headers;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolError("Expected 'headers' to be of type Object.");
  }
  const entries = Object.entries(value as JsonObject);
  if (!entries.every(([, header]) => typeof header === 'string')) {
    throw new ProtocolError('Expected header values to be of type String.');
  }
  return entries.length > 0 ? (Object.fromEntries(entries) as MessageHeaders) : undefined;
}

function requiredSequenceId(json: JsonObject): number {
  const value = json.sequenceId;
  if (value === undefined) throw new ProtocolError("Missing required property 'sequenceId'.");
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ProtocolError("Expected 'sequenceId' to be a non-negative Integer.");
  }
  return value;
}

/** The object to serialise, with properties in the order ASP.NET Core writes them: type, headers, then the rest. */
function jsonShape(message: HubMessage): JsonObject {
  switch (message.type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation:
      return {
        type: message.type,
        ...withHeaders(message.headers),
        ...(message.invocationId !== undefined ? { invocationId: message.invocationId } : {}),
        target: message.target,
        arguments: message.arguments,
        ...(message.streamIds?.length ? { streamIds: message.streamIds } : {}),
      };
    case MessageType.StreamItem:
      return {
        type: message.type,
        ...withHeaders(message.headers),
        invocationId: message.invocationId,
        item: message.item ?? null,
      };
    case MessageType.Completion:
      return {
        type: message.type,
        ...withHeaders(message.headers),
        invocationId: message.invocationId,
        ...(message.error !== undefined
          ? { error: message.error }
          : hasResult(message)
            ? { result: message.result ?? null }
            : {}),
      };
    case MessageType.CancelInvocation:
      return { type: message.type, ...withHeaders(message.headers), invocationId: message.invocationId };
    case MessageType.Ping:
      return { type: message.type };
    case MessageType.Close:
      return {
        type: message.type,
        ...(message.error ? { error: message.error } : {}),
        ...(message.allowReconnect ? { allowReconnect: true } : {}),
      };
    case MessageType.Ack:
    case MessageType.Sequence:
      return { type: message.type, sequenceId: message.sequenceId };
  }
}

function withHeaders(headers: MessageHeaders | undefined): JsonObject {
  return headers && Object.keys(headers).length > 0 ? { headers } : {};
}
