import { ProtocolError } from './protocol-error';

/** The JSON protocol and the handshake end every record with ASCII record separator 0x1E. */
export const recordSeparator = 0x1e;

/**
 * Splits an inbound byte stream into records terminated by 0x1E. Records may arrive several per chunk or split
 * across chunks (the .NET client sends whatever its pipe holds); a record growing past `maxRecordBytes` without a
 * separator is refused, so a peer that never sends one cannot make us buffer without bound.
 */
export class TextRecordReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxRecordBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    const records: Buffer[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(recordSeparator, start);
      if (end === -1) break;
      const piece = chunk.subarray(start, end);
      const record = this.pendingBytes === 0 ? piece : Buffer.concat([...this.pending, piece]);
      this.pending = [];
      this.pendingBytes = 0;
      this.checkSize(record.length);
      records.push(record);
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pendingBytes += rest.length;
      this.checkSize(this.pendingBytes);
      this.pending.push(rest);
    }
    return records;
  }

  /** Bytes received after the last complete record. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private checkSize(bytes: number): void {
    if (bytes > this.maxRecordBytes) {
      throw new ProtocolError(`The message exceeds the maximum message size of ${this.maxRecordBytes} bytes.`);
    }
  }
}

/** A record followed by its separator, ready to write. */
export function textRecord(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const record = Buffer.allocUnsafe(body.length + 1);
  body.copy(record, 0);
  record[body.length] = recordSeparator;
  return record;
}
