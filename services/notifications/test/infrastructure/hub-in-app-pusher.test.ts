import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import {
  CountedHubSender,
  developmentHubAccessKey,
  type HubPushConfig,
  HubRestSender,
  HubSendError,
  hubPushConfigKeys,
  loadConfig,
  parseConnectionString,
  type ServiceManifest,
} from '@shop/kit';
import { hubClient, nextInvocation, record } from '@shop/signalr/test/support/clients';
import { listen } from '@shop/testkit/src/listen';
import Joi from 'joi';
import { type HubPlatform, startHubPlatform } from '../../../hub/test/support/hub-platform';
import type { InAppPusher } from '../../src/application/ports';
import { HubInAppPusher, hubInAppPusherFrom } from '../../src/infrastructure/hub-in-app-pusher';

// The real hub service (embedded, as `npm start` hosts it) with real customers' connections on
// /hubs/notifications; the pusher calls its Azure SignalR REST API as the notifications service does. A service
// hosted beside the hub builds its pusher from its setup context, as the notifications service does: with no
// settings but the hub's access key, it finds the hub on the platform's own origin (PORT=0: known only once listening).

const accessKey = 'notifications-test-hub-access-key-0123456789';
let shop: HubPlatform;
let embeddedPusher: InAppPusher | null = null;

const pusherProbe: ServiceManifest<HubPushConfig> = {
  name: 'pusher-probe',
  publicPaths: [],
  config: Joi.object<HubPushConfig>(hubPushConfigKeys),
  async setup(context) {
    embeddedPusher = hubInAppPusherFrom(context.config, context);
    return { router: new Router() };
  },
};

beforeAll(async () => {
  shop = await startHubPlatform(
    { HUB_ACCESS_KEY: accessKey },
    { inventory: false, alongside: [pusherProbe as ServiceManifest] },
  );
});
afterAll(() => shop.stop());

function notification(orderId?: string) {
  return {
    id: randomUUID(),
    type: orderId ? 'OrderConfirmed' : 'Welcome',
    title: orderId ? `Order ${orderId} confirmed` : 'Welcome to the shop',
    body: 'Thank you & <welcome>',
    ...(orderId ? { orderId } : {}),
    createdAt: new Date().toISOString(),
  };
}

async function failureOf(promise: Promise<void>): Promise<HubSendError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HubSendError);
  return error as HubSendError;
}

describe('the hub REST in-app pusher', () => {
  it.each([
    ["the platform's own origin (embedded)", () => embeddedPusher],
    [
      'a connection string',
      () =>
        hubInAppPusherFrom(
          { HUB_CONNECTION_STRING: `Endpoint=${shop.url};AccessKey=${accessKey};Version=1.0;` },
          { mesh: shop.platform.bus.meshFor('notifications') },
        ),
    ],
  ])(
    "through %s reaches every connection of the customer on /hubs/notifications, and no other customer's",
    async (_way, pusherOf) => {
      const pusher = pusherOf();
      const { sender } = pusher as HubInAppPusher;
      // The service's own (embedded) sender is counted on /metrics; the REST sender is inside.
      expect(sender instanceof CountedHubSender ? sender.inner : sender).toBeInstanceOf(HubRestSender);
      const [ada, grace] = [randomUUID(), randomUUID()];
      const url = `${shop.url}/hubs/notifications`;
      const adaClients = [
        hubClient(url, { token: shop.customerToken(ada) }),
        hubClient(url, { transport: 'LongPolling', protocol: 'messagepack', token: shop.customerToken(ada) }),
      ];
      const graceClient = hubClient(url, { token: shop.customerToken(grace) });
      await Promise.all([...adaClients, graceClient].map((client) => client.start()));
      try {
        const graceHeard = record(graceClient, 'Notification');
        const heard = adaClients.map((client) => nextInvocation(client, 'Notification'));
        const sent = notification(randomUUID());
        await pusher?.push(ada, sent);
        expect(await Promise.all(heard)).toEqual([[sent], [sent]]);
        const hers = notification();
        const graceNext = nextInvocation(graceClient, 'Notification');
        await pusher?.push(grace, hers);
        await graceNext;
        expect(graceHeard).toEqual([[hers]]);
      } finally {
        await Promise.all([...adaClients, graceClient].map((client) => client.stop()));
      }
    },
  );

  it('fails for good when the hub refuses the access key', async () => {
    const pusher = new HubInAppPusher(
      new HubRestSender({ endpoint: shop.url, accessKey: 'not-the-hub-access-key-0123456789' }),
    );
    const error = await failureOf(pusher.push(randomUUID(), notification()));
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(error.message).toContain('The signature key was not found');
  });

  it('asks for a retry when the hub cannot be reached or answers 5xx', async () => {
    const closed = await listen(() => undefined);
    await closed.close();
    const unreachable = await failureOf(
      new HubInAppPusher(new HubRestSender({ endpoint: closed.url, accessKey })).push(randomUUID(), notification()),
    );
    expect(unreachable).toMatchObject({ retryable: true, status: undefined });
    expect(unreachable.message).toContain('ECONNREFUSED');

    const down = await listen((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
      res.end(
        JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'The replicas cannot reach each other.' }),
      );
    });
    try {
      const error = await failureOf(
        new HubInAppPusher(new HubRestSender({ endpoint: down.url, accessKey })).push(randomUUID(), notification()),
      );
      expect(error).toMatchObject({ retryable: true, status: 503 });
      expect(error.message).toContain('The replicas cannot reach each other.');
    } finally {
      await down.close();
    }
  });
});

describe('the hub settings', () => {
  it('read the connection string as Azure writes it, and refuse one without an endpoint or key', () => {
    expect(parseConnectionString('endpoint=https://hub.example:8443/;accesskey=abc=def;Version=1.0;')).toEqual({
      endpoint: 'https://hub.example:8443',
      accessKey: 'abc=def',
    });
    expect(parseConnectionString('Endpoint=http://hub;Port=8080;AccessKey=k;Version=1.0')).toEqual({
      endpoint: 'http://hub:8080',
      accessKey: 'k',
    });
    expect(() => parseConnectionString('AccessKey=k;Version=1.0;')).toThrow(/Endpoint/);
    expect(() => parseConnectionString('Endpoint=http://hub;Version=1.0;')).toThrow(/AccessKey/);
    expect(() => parseConnectionString('Endpoint=http://hub;AccessKey=k;Version=2.0;')).toThrow(/Version=1.0/);
  });

  it('push nowhere without a hub to reach: no connection string, no daprd, no own origin', () => {
    const embeddedMesh = shop.platform.bus.meshFor('notifications');
    const config = { HUB_ACCESS_KEY: accessKey, HUB_BINDING: 'hub-signalr' };
    expect(hubInAppPusherFrom(config, { mesh: embeddedMesh })).toBeNull();
  });

  it("take the hub's development access key outside production only, and the binding of components/", () => {
    const schema = Joi.object(hubPushConfigKeys).keys({ NODE_ENV: Joi.string() });
    expect(loadConfig(schema, {})).toEqual({ HUB_ACCESS_KEY: developmentHubAccessKey, HUB_BINDING: 'hub-signalr' });
    expect(loadConfig(schema, { NODE_ENV: 'production' }).HUB_ACCESS_KEY).toBeUndefined();
    expect(() => loadConfig(schema, { HUB_CONNECTION_STRING: 'Endpoint=http://hub;Version=1.0;' })).toThrow(
      /HUB_CONNECTION_STRING: the connection string needs AccessKey/,
    );
  });
});
