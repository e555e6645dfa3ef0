import { connect, type Socket } from 'node:net';
import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, postJson } from '../../e2e/support/accounts';
import { baseUrl } from '../../e2e/support/base-url';
import { eventually } from '../../e2e/support/eventually';
import { productWithStock } from '../../e2e/support/shop';

// "One reset WebSocket stops the gateway": hundreds of hub connections reset mid-handshake and mid-stream, half-closed
// or sent garbage must leave the origin serving and a connection that was open all along untouched.

const connectionsInStorm = 300;

async function negotiated(): Promise<string> {
  const res = await fetch(`${baseUrl()}/hubs/inventory/negotiate?negotiateVersion=1`, { method: 'POST' });
  return (await json(res)).connectionToken as string;
}

function upgradeRequest(token: string): string {
  const { host } = new URL(baseUrl());
  return [
    `GET /hubs/inventory?id=${token} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    '',
    '',
  ].join('\r\n');
}

/** A masked WebSocket text frame, as a client must send it. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([7, 1, 9, 4]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

async function stormOne(kind: number): Promise<void> {
  const token = await negotiated();
  const { port, hostname } = new URL(baseUrl());
  const socket: Socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  const request = upgradeRequest(token);
  switch (kind) {
    case 0: // reset halfway through the upgrade request
      socket.write(request.slice(0, 40));
      socket.resetAndDestroy();
      return;
    case 1: // reset mid-stream: upgraded, SignalR handshake sent, answer arriving
      socket.write(request);
      await new Promise((resolve) => socket.once('data', resolve));
      socket.write(textFrame('{"protocol":"json","version":1}\u001e'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      socket.resetAndDestroy();
      return;
    case 2: // half-close right after asking, then vanish
      socket.end(request);
      await new Promise((resolve) => setTimeout(resolve, 5));
      socket.resetAndDestroy();
      return;
    default: // garbage where an upgrade should be
      socket.write(`GET /hubs/inventory?id=${token} HTTP/1.1\r\nUpgrade: websocket\r\n\u0000\u0001\r\n\r\n`);
      socket.resetAndDestroy();
  }
}

export function describeSocketStorm(): void {
  describe('a storm of reset hub sockets', () => {
    it('leaves the origin serving and an open connection receiving', async () => {
      const productId = await productWithStock(10);
      const bystander = new HubConnectionBuilder()
        .withUrl(`${baseUrl()}/hubs/inventory`, { transport: HttpTransportType.WebSockets })
        .configureLogging(LogLevel.None)
        .build();
      const seen: Array<{ available: number }> = [];
      bystander.on('StockChanged', (change: { available: number }) => seen.push(change));
      await bystander.start();
      try {
        await bystander.invoke('SubscribeProduct', productId);
        for (let i = 0; i < connectionsInStorm; i += 20) {
          await Promise.all(Array.from({ length: 20 }, (_, j) => stormOne((i + j) % 4)));
        }
        const adjusted = await postJson(
          `/api/inventory/${productId}/adjustments`,
          { delta: 5, reason: 'after the storm' },
          bearer(await adminToken()),
        );
        expect(adjusted.status).toBe(200);
        await eventually(async () => {
          if (!seen.some((change) => change.available === 15)) throw new Error('the bystander has not seen 15 yet');
        });
        expect((await fetch(`${baseUrl()}/readyz`)).status).toBe(200);
      } finally {
        await bystander.stop();
      }
    });
  });
}
