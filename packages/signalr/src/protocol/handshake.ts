import { ProtocolError } from './protocol-error';
import { TextRecordReader, textRecord } from './text-records';

export interface HandshakeRequest {
  protocol: string;
  version: number;
}

/** Whatever the hub protocol, the handshake is one JSON record: `{"protocol":"json"|"messagepack","version":N}`. */
export class HandshakeReader {
  private readonly records: TextRecordReader;

  constructor(maxBytes: number) {
    this.records = new TextRecordReader(maxBytes);
  }

  /** The request once its record is complete, with the bytes that followed it; undefined while incomplete. */
  push(chunk: Buffer): { request: HandshakeRequest; rest: Buffer } | undefined {
    const separator = chunk.indexOf(0x1e);
    if (separator === -1) {
      this.records.push(chunk);
      return undefined;
    }
    const [record] = this.records.push(chunk.subarray(0, separator + 1));
    return { request: parseHandshakeRequest(record as Buffer), rest: chunk.subarray(separator + 1) };
  }
}

export function parseHandshakeRequest(record: Buffer): HandshakeRequest {
  let value: unknown;
  try {
    value = JSON.parse(record.toString('utf8'));
  } catch (error) {
    throw new ProtocolError(`Error reading the handshake request: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('The handshake request is not a JSON object.');
  }
  const { protocol, version } = value as { protocol?: unknown; version?: unknown };
  if (typeof protocol !== 'string') throw new ProtocolError("Missing required property 'protocol'.");
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new ProtocolError("Missing required property 'version'.");
  }
  return { protocol, version };
}

export const handshakeSuccess: Buffer = textRecord('{}');

export function handshakeError(message: string): Buffer {
  return textRecord(JSON.stringify({ error: message }));
}
