import { setTimeout as sleep } from 'node:timers/promises';
import {
  createHttpApp,
  createJwtVerifier,
  createLogger,
  createMetricsRegistry,
  type RunningServer,
  SessionCheck,
  serve,
} from '@shop/kit';
import { lookUpSession, newSigningKey, serveJwks, signToken } from '@shop/testkit/src/jwt-fixture';
import type { Registry } from 'prom-client';
import { customerTokens } from '../../src/hubs/orders-hub';
import { type HubDefinition, HubError, HubServer, type HubServerOptions } from '../../src/signalr';

/**
 * A hub that exercises every part of the protocol: results, errors, streams both ways, groups, users, client
 * results. It is the protocol library's test subject, hosted the way the platform hosts the hub service.
 */
export const testHub: HubDefinition = {
  name: 'test',
  methods: {
    Echo: { parameters: 1, invoke: (_call, value) => value },
    Add: { parameters: 2, invoke: (_call, a, b) => (a as number) + (b as number) },
    Nothing: { parameters: 0, invoke: () => undefined },
    Fail: {
      parameters: 1,
      invoke(_call, message) {
        throw new HubError(String(message));
      },
    },
    Crash: {
      parameters: 0,
      invoke() {
        throw new Error('secret internal detail');
      },
    },
    Whoami: { parameters: 0, invoke: (call) => call.userId ?? null },
    Counter: {
      parameters: 2,
      async *stream(call, count, delayMs) {
        for (let index = 0; index < (count as number); index++) {
          if (call.signal.aborted) return;
          if ((delayMs as number) > 0)
            await sleep(delayMs as number, undefined, { signal: call.signal }).catch(() => {});
          if (call.signal.aborted) return;
          yield index;
        }
      },
    },
    FailingStream: {
      parameters: 0,
      async *stream() {
        yield 'first';
        throw new HubError('the stream broke');
      },
    },
    Sum: {
      parameters: 0,
      uploads: 1,
      async invoke(_call, numbers) {
        let total = 0;
        for await (const value of numbers as AsyncIterable<number>) total += value;
        return total;
      },
    },
    JoinGroup: {
      parameters: 1,
      async invoke(call, group) {
        await call.groups.add(String(group));
      },
    },
    LeaveGroup: {
      parameters: 1,
      async invoke(call, group) {
        await call.groups.remove(String(group));
      },
    },
    SendToGroup: {
      parameters: 2,
      async invoke(call, group, text) {
        await call.clients.group(String(group)).send('Group', group, text);
      },
    },
    SendToUser: {
      parameters: 2,
      async invoke(call, userId, text) {
        await call.clients.user(String(userId)).send('User', text);
      },
    },
    Broadcast: {
      parameters: 1,
      async invoke(call, text) {
        await call.clients.all.send('Broadcast', text);
      },
    },
    AskCaller: {
      parameters: 1,
      invoke: (call, question) => call.clients.client(call.connectionId).invoke('Answer', question),
    },
  },
};

export interface ProtocolServer {
  url: string;
  hubs: HubServer;
  metrics: Registry;
  /** An access token for `userId`, signed by the JWKS the server trusts. */
  tokenFor(userId: string): string;
  stop(): Promise<void>;
}

/**
 * The test hub at /hubs/test (anonymous) and /hubs/private (tokens required), hosted on the kit's HTTP app and
 * server with the hub's upgrade handler and raw-body paths, as the platform runs the hub service.
 */
export async function startProtocolServer(options: Partial<HubServerOptions> = {}): Promise<ProtocolServer> {
  const key = newSigningKey('hub-test-key');
  const jwks = await serveJwks([key]);
  const verifier = createJwtVerifier({
    jwksUri: `${jwks.url}/jwks`,
    issuer: 'https://identity.shop.test',
    audience: 'shop-api',
    sessions: new SessionCheck({ lookup: lookUpSession }),
  });
  const log = createLogger({ name: 'hub-test', level: 'fatal' });
  const metrics = createMetricsRegistry();
  const hubs = new HubServer({ log, metrics, options });
  hubs.mapHub('/hubs/test', { hub: testHub });
  hubs.mapHub('/hubs/private', { hub: { ...testHub, name: 'private' }, authenticate: customerTokens(verifier) });
  const health = { accepting: true };
  const app = createHttpApp({
    name: 'hub',
    log,
    metrics,
    health,
    readiness: () => [],
    routers: [hubs.router()],
    publicPaths: ['/hubs'],
    rawBodyPaths: ['/hubs'],
  });
  const running: RunningServer = await serve(app, {
    host: '127.0.0.1',
    port: 0,
    log,
    health,
    graceMs: 1_000,
    handleSignals: false,
    upgrade: (req, socket, head) => hubs.handleUpgrade(req, socket, head),
    drainers: [() => hubs.drain()],
    closers: [() => hubs.stop()],
  });
  hubs.start();
  return {
    url: `http://127.0.0.1:${running.port}`,
    hubs,
    metrics,
    tokenFor: (userId) => signToken(key, {}, { subject: userId }),
    async stop() {
      await running.shutdown();
      await jwks.close();
    },
  };
}
