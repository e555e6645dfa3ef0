import { decode } from '@msgpack/msgpack';
import { hubClient } from './support/clients';
import { type ProtocolServer, startProtocolServer } from './support/protocol-server';
import { negotiate, RawWebSocket, recordSeparator } from './support/raw-websocket';

let server: ProtocolServer;

beforeAll(async () => {
  server = await startProtocolServer({ keepAliveIntervalMs: 60_000, handshakeTimeoutMs: 300, maxMessageBytes: 32_768 });
});
afterAll(() => server.stop());

async function socket(): Promise<RawWebSocket> {
  const { connectionToken } = await negotiate(`${server.url}/hubs/test`);
  return RawWebSocket.open(`${server.url}/hubs/test?id=${connectionToken}`);
}

/** The JSON hub connection after a successful handshake. */
async function jsonSocket(): Promise<RawWebSocket> {
  const ws = await socket();
  ws.sendText(`{"protocol":"json","version":1}${recordSeparator}`);
  expect((await ws.next()).data.toString()).toBe(`{}${recordSeparator}`);
  return ws;
}

async function messagePackSocket(): Promise<RawWebSocket> {
  const ws = await socket();
  // The JS MessagePack client sends its handshake in a text frame and everything after in binary ones.
  ws.sendText(`{"protocol":"messagepack","version":1}${recordSeparator}`);
  expect((await ws.next()).data.toString()).toBe(`{}${recordSeparator}`);
  return ws;
}

/** The handshake error the server answered, after which it closed the socket normally. */
async function handshakeRefusal(ws: RawWebSocket): Promise<string> {
  const frame = await ws.next();
  expect(frame.binary).toBe(false);
  const text = frame.data.toString();
  expect(text.endsWith(recordSeparator)).toBe(true);
  expect(await ws.whenClosed()).toBe(1000);
  return (JSON.parse(text.slice(0, -1)) as { error: string }).error;
}

/** The JSON Close message the server sent before closing. */
async function jsonClose(ws: RawWebSocket): Promise<{ type: number; error?: string }> {
  const frame = await ws.next();
  expect(await ws.whenClosed()).toBe(1000);
  return JSON.parse(frame.data.toString().slice(0, -1));
}

async function messagePackClose(ws: RawWebSocket): Promise<unknown[]> {
  const frame = await ws.next();
  expect(frame.binary).toBe(true);
  expect(await ws.whenClosed()).toBe(1000);
  let length = 0;
  let prefixBytes = 0;
  for (let shift = 1; ; shift *= 128) {
    const byte = frame.data[prefixBytes++] as number;
    length += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) break;
  }
  expect(frame.data.length).toBe(prefixBytes + length);
  return decode(frame.data.subarray(prefixBytes)) as unknown[];
}

/** Another client is still served after each bad connection. */
async function hubStillServes(): Promise<void> {
  const client = hubClient(`${server.url}/hubs/test`);
  await client.start();
  expect(await client.invoke('Add', 1, 2)).toBe(3);
  await client.stop();
}

afterEach(hubStillServes);

describe('malformed handshakes', () => {
  it('refuses a handshake that is not JSON', async () => {
    const ws = await socket();
    ws.sendText(`{"protocol":json}${recordSeparator}`);
    expect(await handshakeRefusal(ws)).toMatch(/^Invalid handshake: Error reading the handshake request/);
  });

  it('refuses an unknown protocol', async () => {
    const ws = await socket();
    ws.sendText(`{"protocol":"protobuf","version":1}${recordSeparator}`);
    expect(await handshakeRefusal(ws)).toBe("The protocol 'protobuf' is not supported.");
  });

  it('refuses a protocol version the server does not speak', async () => {
    const ws = await socket();
    ws.sendText(`{"protocol":"json","version":3}${recordSeparator}`);
    expect(await handshakeRefusal(ws)).toBe("The server does not support version 3 of the 'json' protocol.");
  });

  it('refuses a handshake without its fields', async () => {
    const ws = await socket();
    ws.sendText(`{"version":1}${recordSeparator}`);
    expect(await handshakeRefusal(ws)).toBe("Invalid handshake: Missing required property 'protocol'.");
  });

  it('cancels a handshake whose record separator never comes', async () => {
    const ws = await socket();
    ws.sendText('{"protocol":"json","version":1}');
    expect(await handshakeRefusal(ws)).toBe('Handshake was canceled.');
  });

  it('refuses a handshake that grows past the message size limit', async () => {
    const ws = await socket();
    ws.sendText(`{"protocol":"json","version":1,"padding":"${'x'.repeat(40_000)}"`);
    expect(await handshakeRefusal(ws)).toMatch(/exceeds the maximum message size of 32768 bytes/);
  });
});

describe('malformed JSON messages', () => {
  it('closes with an error on a record that is not JSON', async () => {
    const ws = await jsonSocket();
    ws.sendText(`{"type":1,"target":${recordSeparator}`);
    const close = await jsonClose(ws);
    expect(close.type).toBe(7);
    expect(close.error).toMatch(/^Connection closed with an error\. InvalidDataException: Error reading JSON/);
  });

  it('closes with an error on a message of the wrong shape', async () => {
    const ws = await jsonSocket();
    ws.sendText(`{"type":"invocation"}${recordSeparator}`);
    expect((await jsonClose(ws)).error).toMatch(/Expected 'type' to be of type Integer/);
  });

  it('closes with an error on an invocation without arguments', async () => {
    const ws = await jsonSocket();
    ws.sendText(`{"type":1,"invocationId":"1","target":"Echo"}${recordSeparator}`);
    expect((await jsonClose(ws)).error).toMatch(/Missing required property 'arguments'/);
  });

  it('closes with an error on a message over the size limit', async () => {
    const ws = await jsonSocket();
    ws.sendText(
      `{"type":1,"invocationId":"1","target":"Echo","arguments":["${'x'.repeat(40_000)}"]}${recordSeparator}`,
    );
    expect((await jsonClose(ws)).error).toMatch(/exceeds the maximum message size of 32768 bytes/);
  });

  it('closes with an error when records keep coming without a separator', async () => {
    const ws = await jsonSocket();
    for (let chunk = 0; chunk < 5; chunk++) ws.sendText(`"${'y'.repeat(10_000)}"`);
    expect((await jsonClose(ws)).error).toMatch(/exceeds the maximum message size/);
  });

  it('ignores a message type it does not know, as the protocol asks, and goes on', async () => {
    const ws = await jsonSocket();
    ws.sendText(
      `{"type":99,"whatever":true}${recordSeparator}{"type":1,"invocationId":"1","target":"Echo","arguments":[1]}${recordSeparator}`,
    );
    expect((await ws.next()).data.toString()).toBe(`{"type":3,"invocationId":"1","result":1}${recordSeparator}`);
    ws.close();
  });
});

describe('malformed WebSocket frames', () => {
  it('closes a socket that sends a text frame that is not UTF-8 (1007)', async () => {
    const ws = await jsonSocket();
    ws.sendText(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x1e]));
    expect(await ws.whenClosed()).toBe(1007);
  });
});

describe('malformed MessagePack messages', () => {
  it('closes with an error on bytes that are not MessagePack', async () => {
    const ws = await messagePackSocket();
    ws.sendBinary([0x05, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1]);
    const [type, error, allowReconnect] = await messagePackClose(ws);
    expect(type).toBe(7);
    expect(error).toMatch(/^Connection closed with an error\. InvalidDataException: Error reading MessagePack/);
    expect(allowReconnect).toBe(false);
  });

  it('closes with an error on a message that is not an array', async () => {
    const ws = await messagePackSocket();
    ws.sendBinary([0x02, 0xa1, 0x78]);
    expect((await messagePackClose(ws))[1]).toMatch(/Expected a MessagePack array/);
  });

  it('closes with an error on an unknown completion kind', async () => {
    const ws = await messagePackSocket();
    // [3, {}, "1", 9]
    ws.sendBinary([0x06, 0x94, 0x03, 0x80, 0xa1, 0x31, 0x09]);
    expect((await messagePackClose(ws))[1]).toMatch(/Invalid invocation result kind/);
  });

  it('closes with an error on a length prefix over 2 GB', async () => {
    const ws = await messagePackSocket();
    ws.sendBinary([0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect((await messagePackClose(ws))[1]).toMatch(/Messages over 2GB in size are not supported/);
  });

  it('closes with an error on a declared length over the message limit, before the body arrives', async () => {
    const ws = await messagePackSocket();
    // 40,000 as a VarInt: 0xc0 0xb8 0x02.
    ws.sendBinary([0xc0, 0xb8, 0x02, 0x96]);
    expect((await messagePackClose(ws))[1]).toMatch(/exceeds the maximum message size of 32768 bytes/);
  });

  it('closes with an error on an array that claims more items than it has', async () => {
    const ws = await messagePackSocket();
    // dd ff ff ff ff: an array of 4,294,967,295 items, in a 5-byte record.
    ws.sendBinary([0x05, 0xdd, 0xff, 0xff, 0xff, 0xff]);
    expect((await messagePackClose(ws))[1]).toMatch(/Error reading MessagePack/);
  });
});
