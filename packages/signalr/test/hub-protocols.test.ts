import { decode } from '@msgpack/msgpack';
import { type HubMessage, jsonHubProtocol, MessageType, messagePackHubProtocol, ProtocolError } from '../src';
import { BinaryRecordReader, lengthPrefix } from '../src/protocol/binary-records';
import { TextRecordReader } from '../src/protocol/text-records';

const everyMessage: HubMessage[] = [
  { type: MessageType.Invocation, target: 'Send', arguments: ['a', 1, null, { deep: [true] }] },
  { type: MessageType.Invocation, invocationId: '7', target: 'Send', arguments: [], headers: { trace: 'x' } },
  { type: MessageType.Invocation, invocationId: '8', target: 'Upload', arguments: [1], streamIds: ['9'] },
  { type: MessageType.StreamItem, invocationId: '1', item: { n: 2 } },
  { type: MessageType.StreamItem, invocationId: '1', item: null },
  { type: MessageType.Completion, invocationId: '1' },
  { type: MessageType.Completion, invocationId: '1', result: null },
  { type: MessageType.Completion, invocationId: '1', result: [1, 2] },
  { type: MessageType.Completion, invocationId: '1', error: 'failed' },
  { type: MessageType.StreamInvocation, invocationId: '3', target: 'Counter', arguments: [10, 5] },
  { type: MessageType.CancelInvocation, invocationId: '3' },
  { type: MessageType.Ping },
  { type: MessageType.Close },
  { type: MessageType.Close, error: 'bye', allowReconnect: true },
  { type: MessageType.Ack, sequenceId: 1_000_000 },
  { type: MessageType.Sequence, sequenceId: 1 },
];

describe.each([jsonHubProtocol, messagePackHubProtocol])('the $name hub protocol', (protocol) => {
  it.each(everyMessage)('reads back what it writes: type $type', (message) => {
    const [parsed, ...rest] = protocol.createReader(32_768).push(protocol.write(message));
    expect(rest).toEqual([]);
    expect(parsed).toEqual(message);
  });

  it('reads records whichever way the stream is cut into chunks', () => {
    const stream = Buffer.concat(everyMessage.map((message) => protocol.write(message)));
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const reader = protocol.createReader(32_768);
      const parsed: HubMessage[] = [];
      for (let offset = 0; offset < stream.length; offset += size) {
        parsed.push(...reader.push(stream.subarray(offset, offset + size)));
      }
      expect(parsed).toEqual(everyMessage);
    }
  });
});

describe('MessagePack layout', () => {
  it('writes every message array as ASP.NET Core does', () => {
    const body = (message: HubMessage) => {
      const record = messagePackHubProtocol.write(message);
      return decode(record.subarray(1));
    };
    expect(body({ type: 1, target: 'T', arguments: [1] })).toEqual([1, {}, null, 'T', [1], []]);
    expect(body({ type: 3, invocationId: '1' })).toEqual([3, {}, '1', 2]);
    expect(body({ type: 3, invocationId: '1', result: 5 })).toEqual([3, {}, '1', 3, 5]);
    expect(body({ type: 3, invocationId: '1', error: 'e' })).toEqual([3, {}, '1', 1, 'e']);
    expect(body({ type: 7 })).toEqual([7, null, false]);
    expect(messagePackHubProtocol.write({ type: 6 })).toEqual(Buffer.from([0x02, 0x91, 0x06]));
  });

  it('accepts the 5-item invocation of older clients and the 2-item close of the JS client', () => {
    const reader = messagePackHubProtocol.createReader(1_024);
    // [1, {}, "1", "Echo", ["x"]] and [7, nil]
    const records = Buffer.from('0d95 0180 a131 a44563686f 91a178  03 92 07 c0'.replace(/\s/g, ''), 'hex');
    expect(reader.push(records)).toEqual([
      { type: 1, invocationId: '1', target: 'Echo', arguments: ['x'] },
      { type: 7 },
    ]);
  });
});

describe('record framing', () => {
  it('writes VarInt length prefixes, 7 bits a byte, least significant first', () => {
    expect(lengthPrefix(0)).toEqual(Buffer.from([0x00]));
    expect(lengthPrefix(53)).toEqual(Buffer.from([0x35]));
    expect(lengthPrefix(127)).toEqual(Buffer.from([0x7f]));
    expect(lengthPrefix(128)).toEqual(Buffer.from([0x80, 0x01]));
    expect(lengthPrefix(5248)).toEqual(Buffer.from([0x80, 0x29]));
    expect(lengthPrefix(2 ** 31 - 1)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x07]));
  });

  it('waits for a length prefix cut between chunks', () => {
    const reader = new BinaryRecordReader(1_000);
    const body = Buffer.alloc(200, 7);
    const record = Buffer.concat([lengthPrefix(200), body]);
    expect(reader.push(record.subarray(0, 1))).toEqual([]);
    expect(reader.push(record.subarray(1, 50))).toEqual([]);
    expect(reader.push(record.subarray(50))).toEqual([body]);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('refuses a declared length over the limit before reading the body', () => {
    expect(() => new BinaryRecordReader(100).push(Buffer.from([0xe5, 0x00]))).toThrow(ProtocolError);
  });

  it('splits text records on 0x1E and keeps the unfinished tail', () => {
    const reader = new TextRecordReader(100);
    expect(reader.push(Buffer.from('{"a":1}\u001e{"b"')).map(String)).toEqual(['{"a":1}']);
    expect(reader.push(Buffer.from(':2}\u001e\u001e')).map(String)).toEqual(['{"b":2}', '']);
    expect(() => reader.push(Buffer.alloc(101, 0x20))).toThrow(ProtocolError);
  });
});
