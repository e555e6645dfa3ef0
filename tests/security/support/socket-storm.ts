import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { json } from '@shop/testkit/src/listen';
import { abuseUpgrade, maskedTextFrame, type SocketAbuse, socketAbuses } from '@shop/testkit/src/socket-abuse';
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

async function stormOne(abuse: SocketAbuse): Promise<void> {
  const { port, hostname } = new URL(baseUrl());
  await abuseUpgrade(
    {
      host: hostname,
      port: Number(port),
      request: upgradeRequest(await negotiated()),
      afterUpgrade: maskedTextFrame('{"protocol":"json","version":1}\u001e'),
    },
    abuse,
  );
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
          await Promise.all(
            Array.from({ length: 20 }, (_, j) => stormOne(socketAbuses[(i + j) % socketAbuses.length] as SocketAbuse)),
          );
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
