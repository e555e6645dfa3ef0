import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from '@msgpack/msgpack';
import type { EmbeddedPlatform } from '@shop/kit';
import { negotiate, RawWebSocket, recordSeparator } from '@shop/signalr/test/support/raw-websocket';
import { eventually } from '@shop/testkit/src/eventually';
import { json } from '@shop/testkit/src/listen';
import { loadDemoShop } from '../../edge/src/demo-data/demo-shop';
import { startShop } from '../../edge/src/start-shop';

// No .NET SDK runs here, so the example's decoding is replayed: its C# records, as declared in Program.cs, are
// matched against the MessagePack frames the hub really writes for the methods the example listens to. What
// MessagePack for C# does with them: a [MessagePackObject] record reads the map keys its [Key("…")] members name,
// exactly (case matters); a key no member names is skipped; a member whose key is missing keeps its default.

const program = readFileSync(join(__dirname, '..', 'dotnet-example', 'Program.cs'), 'utf8');
const project = readFileSync(join(__dirname, '..', 'dotnet-example', 'LiveStock.csproj'), 'utf8');

interface Member {
  key: string;
  type: string;
  name: string;
}

/** The records of Program.cs: name → its [Key] members, or undefined when the record is no [MessagePackObject]. */
function declaredRecords(source: string): Map<string, Member[] | undefined> {
  const records = new Map<string, Member[] | undefined>();
  for (const match of source.matchAll(/(\[MessagePackObject\]\s*)?public record (\w+)\(([^;]*?)\);/g)) {
    const [, attribute, name, parameters] = match as unknown as [string, string | undefined, string, string];
    if (!attribute) {
      records.set(name, undefined);
      continue;
    }
    const members = parameters.split(',').map((parameter) => {
      const member = /^\s*\[property:\s*Key\("([^"]+)"\)\]\s*([\w.?<>]+)\s+(\w+)\s*$/.exec(parameter);
      if (!member) throw new Error(`${name}: a member without [property: Key("…")]: ${parameter.trim()}`);
      return { key: member[1] as string, type: member[2] as string, name: member[3] as string };
    });
    records.set(name, members);
  }
  return records;
}

/** `connection.On<Record>("Method", …)`: the method, its record and the connection it listens on. */
function listeners(source: string): Array<{ connection: string; record: string; method: string }> {
  return [...source.matchAll(/(\w+)\.On<(\w+)>\("(\w+)"/g)].map(([, connection, record, method]) => ({
    connection: connection as string,
    record: record as string,
    method: method as string,
  }));
}

/** The builder chain a connection variable is assigned from. */
function builderOf(source: string, connection: string): string {
  const chain = new RegExp(`${connection} = new HubConnectionBuilder\\(\\)([\\s\\S]*?)\\.Build\\(\\);`).exec(source);
  if (!chain) throw new Error(`no HubConnectionBuilder for ${connection}`);
  return chain[1] as string;
}

/** Whether MessagePack for C# reads this MessagePack value into a member of this C# type. */
function binds(type: string, value: unknown): boolean {
  const nullable = type.endsWith('?');
  if (value === null) return nullable;
  const base = nullable ? type.slice(0, -1) : type;
  switch (base) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1;
    case 'long':
      return Number.isInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'double':
      return typeof value === 'number';
    default:
      // DateTimeOffset, DateTime and the rest have MessagePack shapes of their own; the hub sends JSON-like values.
      return false;
  }
}

/** Every way the example would misread `payload` as `record`; empty when it binds every key the hub sends. */
function misreadings(recordName: string, payload: Record<string, unknown>): string[] {
  const members = declaredRecords(program).get(recordName);
  if (members === undefined) return [`${recordName} is not a [MessagePackObject] record with [Key] members`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(payload)) {
    const member = members.find((candidate) => candidate.key === key);
    if (!member) problems.push(`the hub sends "${key}", which no member of ${recordName} reads`);
    else if (!binds(member.type, value)) {
      problems.push(`${recordName}.${member.name} (${member.type}) cannot hold "${key}": ${JSON.stringify(value)}`);
    }
  }
  for (const member of members) {
    if (!(member.key in payload) && !member.type.endsWith('?')) {
      problems.push(`${recordName}.${member.name} is not nullable, but the hub sent no "${member.key}"`);
    }
  }
  return problems;
}

/** A MessagePack hub connection speaking as the .NET client does: VarInt-prefixed records after the JSON handshake. */
class MessagePackHubConnection {
  private invocationId = 0;
  private readonly payloads: Array<{ target: string; argument: Record<string, unknown> }> = [];

  private constructor(private readonly socket: RawWebSocket) {}

  static async open(hubUrl: string, accessToken?: string): Promise<MessagePackHubConnection> {
    const auth: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
    const { connectionToken } = await negotiate(hubUrl, 'negotiateVersion=1', auth);
    const socket = await RawWebSocket.open(`${hubUrl}?id=${connectionToken}`, auth);
    socket.sendBinary(Buffer.from(`{"protocol":"messagepack","version":1}${recordSeparator}`));
    const handshake = await socket.next();
    if (handshake.data.toString('utf8') !== `{}${recordSeparator}`) throw new Error('handshake refused');
    return new MessagePackHubConnection(socket);
  }

  invoke(target: string, ...args: unknown[]): void {
    const body = encode([1, {}, String(++this.invocationId), target, args, []]);
    const prefix: number[] = [];
    for (let length = body.length; ; length >>= 7) {
      prefix.push(length >= 0x80 ? (length & 0x7f) | 0x80 : length);
      if (length < 0x80) break;
    }
    this.socket.sendBinary(Buffer.concat([Buffer.from(prefix), Buffer.from(body)]));
  }

  /** The first argument of every invocation of `target` the hub sent so far, decoded from its exact frames. */
  async received(target: string): Promise<Array<Record<string, unknown>>> {
    while (this.socket.frames.length > 0) this.read((await this.socket.next()).data);
    return this.payloads.filter((payload) => payload.target === target).map((payload) => payload.argument);
  }

  close(): void {
    this.socket.close();
  }

  private read(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      let length = 0;
      let shift = 0;
      let byte: number;
      do {
        byte = data[offset++] as number;
        length |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte & 0x80);
      const message = decode(data.subarray(offset, offset + length)) as unknown[];
      offset += length;
      // [1 (invocation), headers, invocationId, target, arguments, streamIds?]
      if (message[0] === 1) {
        const [argument] = message[4] as Array<Record<string, unknown>>;
        this.payloads.push({ target: message[3] as string, argument: argument as Record<string, unknown> });
      }
    }
  }
}

describe('the .NET example', () => {
  it('targets the current .NET LTS, .NET 10, with the SignalR client of the same line', () => {
    expect(project).toContain('<TargetFramework>net10.0</TargetFramework>');
    expect(project).toMatch(/Microsoft\.AspNetCore\.SignalR\.Client" Version="10\./);
    expect(project).toMatch(/Microsoft\.AspNetCore\.SignalR\.Protocols\.MessagePack" Version="10\./);
  });

  it('listens with MessagePack [Key] records on every connection', () => {
    const used = listeners(program);
    expect(used.map((listener) => listener.method).sort()).toEqual(['OrderStatusChanged', 'StockChanged']);
    for (const listener of used) {
      expect(builderOf(program, listener.connection)).toContain('.AddMessagePackProtocol()');
      expect(declaredRecords(program).get(listener.record)).toBeDefined();
    }
  });

  it('finds what the PascalCase records of the old example would have missed', () => {
    const unkeyed = `public record StockLevels(string ProductId, int OnHand);`;
    expect(declaredRecords(unkeyed).get('StockLevels')).toBeUndefined();
    const renamed = program.replace('[property: Key("onHand")]', '[property: Key("OnHand")]');
    expect(() => declaredRecords(renamed)).not.toThrow();
    const members = declaredRecords(renamed).get('StockLevels') ?? [];
    expect(members.find((member) => member.name === 'OnHand')?.key).toBe('OnHand');
  });

  describe('against the hub’s MessagePack frames', () => {
    let dataDir: string;
    let platform: EmbeddedPlatform;
    const shop = loadDemoShop();

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'dotnet-example-'));
      platform = await startShop({ PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' });
    }, 60_000);
    afterAll(async () => {
      await platform?.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const api = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(`${platform.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await json(res) };
    };
    const someProduct = async () =>
      (await api('GET', '/api/products?sort=name&limit=1')).body.items[0] as { id: string };

    it('binds every key of StockChanged', async () => {
      const product = await someProduct();
      const hub = await MessagePackHubConnection.open(`${platform.url}/hubs/inventory`);
      try {
        hub.invoke('SubscribeProduct', product.id);
        const [levels] = await eventually(async () => {
          const sent = await hub.received('StockChanged');
          expect(sent.length).toBeGreaterThan(0);
          return sent;
        });
        expect(levels).toMatchObject({ productId: product.id });
        expect(misreadings('StockLevels', levels as Record<string, unknown>)).toEqual([]);
        // The unkeyed records the example had before: not one key of the frame would have reached a member.
        expect(misreadings('Tokens', levels as Record<string, unknown>)).toEqual([
          'Tokens is not a [MessagePackObject] record with [Key] members',
        ]);
      } finally {
        hub.close();
      }
    });

    it('binds every key of OrderStatusChanged, a failure reason included', async () => {
      const product = await someProduct();
      const login = await api('POST', '/api/auth/login', {
        email: shop.customer.email,
        password: shop.customer.password,
      });
      const token = login.body.accessToken as string;
      const hub = await MessagePackHubConnection.open(`${platform.url}/hubs/orders`, token);
      try {
        const order = (cardNumber: string) =>
          api(
            'POST',
            '/api/orders',
            {
              items: [{ productId: product.id, quantity: 1 }],
              shippingAddress: { line1: '1 Tea Street', city: 'Vienna', postalCode: '1010', country: 'AT' },
              payment: { cardNumber, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' },
            },
            token,
          );
        const paid = await order('4242424242424242');
        const declined = await order('4000000000000002');
        expect([paid.status, declined.status]).toEqual([202, 202]);
        const changes = await eventually(async () => {
          const sent = await hub.received('OrderStatusChanged');
          expect(sent.map((change) => `${change.orderId} ${change.status}`)).toEqual(
            expect.arrayContaining([`${paid.body.id} Paid`, `${declined.body.id} Failed`]),
          );
          return sent;
        }, 20_000);
        expect(changes.find((change) => change.status === 'Failed')).toHaveProperty('failureReason', 'PaymentDeclined');
        for (const change of changes) expect(misreadings('OrderStatus', change)).toEqual([]);
      } finally {
        hub.close();
      }
    }, 30_000);
  });
});
