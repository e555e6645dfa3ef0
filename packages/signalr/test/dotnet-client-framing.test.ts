import { type ProtocolServer, startProtocolServer } from './support/protocol-server';
import { negotiate, RawWebSocket, recordSeparator } from './support/raw-websocket';

// The bytes below are what Microsoft.AspNetCore.SignalR.Client writes (its MessagePackHubProtocolWorker and
// JsonHubProtocol): the handshake as JSON + 0x1E, then VarInt-prefixed MessagePack arrays with an (empty)
// header map and, on invocations, the stream-id array. The server's answers are checked byte for byte against
// what ASP.NET Core writes for the same messages.

let server: ProtocolServer;

beforeAll(async () => {
  server = await startProtocolServer({ keepAliveIntervalMs: 60_000 });
});
afterAll(() => server.stop());

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** A MessagePack body behind its VarInt length prefix (one byte below 128). */
function record(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? hex(body) : body;
  if (bytes.length >= 128) throw new Error('the test records stay under 128 bytes');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

async function dotnetSocket(): Promise<RawWebSocket> {
  // The .NET client negotiates (version 1) and connects with the token; it sends its headers, no query token.
  const { connectionToken } = await negotiate(`${server.url}/hubs/test`);
  return RawWebSocket.open(`${server.url}/hubs/test?id=${connectionToken}`);
}

describe('the .NET client framing, replayed over a raw WebSocket', () => {
  describe('MessagePack', () => {
    it('answers the handshake with {} + 0x1E in a binary frame, and a ping with nothing', async () => {
      const socket = await dotnetSocket();
      socket.sendBinary(Buffer.from(`{"protocol":"messagepack","version":1}${recordSeparator}`));
      const handshake = await socket.next();
      expect(handshake.binary).toBe(true);
      expect(handshake.data).toEqual(hex('7b 7d 1e'));
      // [6]: the .NET client's ping, sent right after the handshake.
      socket.sendBinary(hex('02 91 06'));
      // [1, {}, "1", "Echo", ["hi"], []]
      socket.sendBinary(record('96 01 80 a1 31 a4 45 63 68 6f 91 a2 68 69 90'));
      const completion = await socket.next();
      expect(completion.binary).toBe(true);
      // [3, {}, "1", 3 (non-void result), "hi"]
      expect(completion.data).toEqual(record('95 03 80 a1 31 03 a2 68 69'));
      socket.close();
    });

    it('reads several records in one message and a record split across messages', async () => {
      const socket = await dotnetSocket();
      socket.sendBinary(Buffer.from(`{"protocol":"messagepack","version":1}${recordSeparator}`));
      await socket.next();
      // Ping + [1, {}, "2", "Add", [40, 2], []] in one WebSocket message, as the .NET pipe flushes them.
      socket.sendBinary(Buffer.concat([hex('02 91 06'), record('96 01 80 a1 32 a3 41 64 64 92 28 02 90')]));
      // [3, {}, "2", 3, 42]
      expect((await socket.next()).data).toEqual(record('95 03 80 a1 32 03 2a'));
      // [1, {}, "3", "Nothing", [], []] split inside its body.
      const nothing = record('96 01 80 a1 33 a7 4e 6f 74 68 69 6e 67 90 90');
      socket.sendBinary(nothing.subarray(0, 6));
      socket.sendBinary(nothing.subarray(6));
      // [3, {}, "3", 2]: a void result.
      expect((await socket.next()).data).toEqual(record('94 03 80 a1 33 02'));
      socket.close();
    });

    it('answers an invocation error and a fire-and-forget invocation as ASP.NET Core does', async () => {
      const socket = await dotnetSocket();
      socket.sendBinary(Buffer.from(`{"protocol":"messagepack","version":1}${recordSeparator}`));
      await socket.next();
      // [1, {}, nil, "Fail", ["x"], []]: no invocation id, so no answer at all.
      socket.sendBinary(record('96 01 80 c0 a4 46 61 69 6c 91 a1 78 90'));
      // [1, {}, "4", "Fail", ["boom"], []]
      socket.sendBinary(record('96 01 80 a1 34 a4 46 61 69 6c 91 a4 62 6f 6f 6d 90'));
      const completion = await socket.next();
      const error = "An unexpected error occurred invoking 'Fail' on the server. HubException: boom";
      // [3, {}, "4", 1 (error), "<error>"]: str8 for 32..255 bytes.
      expect(completion.data).toEqual(
        record(Buffer.concat([hex('95 03 80 a1 34 01 d9'), Buffer.from([error.length]), Buffer.from(error)])),
      );
      expect(socket.frames).toHaveLength(0);
      socket.close();
    });

    it('ends the connection on the .NET client close message, without answering it', async () => {
      const socket = await dotnetSocket();
      socket.sendBinary(Buffer.from(`{"protocol":"messagepack","version":1}${recordSeparator}`));
      await socket.next();
      // [7, nil, false]: CloseMessage.Empty from StopAsync.
      socket.sendBinary(hex('04 93 07 c0 c2'));
      expect(await socket.whenClosed()).toBe(1000);
      expect(socket.frames).toHaveLength(0);
    });

    it('sends its keep-alive ping as 02 91 06', async () => {
      const quick = await startProtocolServer({ keepAliveIntervalMs: 100 });
      try {
        const { connectionToken } = await negotiate(`${quick.url}/hubs/test`);
        const socket = await RawWebSocket.open(`${quick.url}/hubs/test?id=${connectionToken}`);
        socket.sendBinary(Buffer.from(`{"protocol":"messagepack","version":1}${recordSeparator}`));
        await socket.next();
        expect(await socket.next(2_000)).toEqual({ data: hex('02 91 06'), binary: true });
        socket.close();
      } finally {
        await quick.stop();
      }
    });
  });

  describe('JSON', () => {
    it('answers in text frames, byte for byte as ASP.NET Core writes them', async () => {
      const socket = await dotnetSocket();
      socket.sendText(`{"protocol":"json","version":1}${recordSeparator}`);
      expect(await socket.next()).toEqual({ data: Buffer.from(`{}${recordSeparator}`), binary: false });
      socket.sendText(
        `{"type":6}${recordSeparator}{"type":1,"invocationId":"1","target":"Echo","arguments":["hi"]}${recordSeparator}`,
      );
      expect(await socket.next()).toEqual({
        data: Buffer.from(`{"type":3,"invocationId":"1","result":"hi"}${recordSeparator}`),
        binary: false,
      });
      socket.sendText(`{"type":1,"invocationId":"2","target":"Nothing","arguments":[]}${recordSeparator}`);
      expect((await socket.next()).data.toString()).toBe(`{"type":3,"invocationId":"2"}${recordSeparator}`);
      socket.sendText(`{"type":7}${recordSeparator}`);
      expect(await socket.whenClosed()).toBe(1000);
    });

    it('streams StreamItems and a Completion without result', async () => {
      const socket = await dotnetSocket();
      socket.sendText(`{"protocol":"json","version":1}${recordSeparator}`);
      await socket.next();
      socket.sendText(`{"type":4,"invocationId":"7","target":"Counter","arguments":[2,0]}${recordSeparator}`);
      const frames = [await socket.next(), await socket.next(), await socket.next()].map((f) => f.data.toString());
      expect(frames).toEqual([
        `{"type":2,"invocationId":"7","item":0}${recordSeparator}`,
        `{"type":2,"invocationId":"7","item":1}${recordSeparator}`,
        `{"type":3,"invocationId":"7"}${recordSeparator}`,
      ]);
      socket.close();
    });
  });
});
