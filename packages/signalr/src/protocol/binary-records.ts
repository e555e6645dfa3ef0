import { ProtocolError } from './protocol-error';

/** A VarInt prefix holds at most 5 bytes and 2^31 - 1 (HubProtocol.md, "MessagePack encoding"). */
const maxPrefixBytes = 5;

/** Bytes of the VarInt length prefix for a body of `length` bytes: 7 bits a byte, least significant first. */
export function lengthPrefix(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

/** A MessagePack body behind its length prefix, in one buffer. */
export function binaryRecord(body: Uint8Array): Buffer {
  const prefix = lengthPrefix(body.length);
  const record = Buffer.allocUnsafe(prefix.length + body.length);
  prefix.copy(record, 0);
  record.set(body, prefix.length);
  return record;
}

/**
 * Splits an inbound byte stream into length-prefixed records. Prefixes and bodies may be split across chunks
 * and several records may share one; a declared length over `maxRecordBytes` is refused before anything of the
 * body is buffered.
 */
export class BinaryRecordReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxRecordBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const records: Buffer[] = [];
    for (;;) {
      const header = readPrefix(data);
      if (header === undefined) break;
      if (header.length > this.maxRecordBytes) {
        throw new ProtocolError(`The message exceeds the maximum message size of ${this.maxRecordBytes} bytes.`);
      }
      const end = header.prefixBytes + header.length;
      if (data.length < end) break;
      records.push(data.subarray(header.prefixBytes, end));
      data = data.subarray(end);
    }
    // Keep a copy only of the unfinished tail, so the chunk it came from can be collected.
    this.pending = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
    return records;
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }
}

function readPrefix(data: Buffer): { length: number; prefixBytes: number } | undefined {
  let length = 0;
  let shift = 1;
  for (let index = 0; index < maxPrefixBytes; index++) {
    if (index >= data.length) return undefined;
    const byte = data[index] as number;
    if (index === maxPrefixBytes - 1 && byte > 0x07) {
      throw new ProtocolError('Messages over 2GB in size are not supported.');
    }
    length += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) return { length, prefixBytes: index + 1 };
    shift *= 128;
  }
  throw new ProtocolError('Messages over 2GB in size are not supported.');
}
