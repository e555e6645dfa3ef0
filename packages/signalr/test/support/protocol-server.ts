import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Authenticate,
  type HubDefinition,
  HubError,
  type HubMetrics,
  HubServer,
  type HubServerOptions,
  type HubStats,
  type SendScope,
  UnauthorizedError,
} from '../../src';

/**
 * A hub that exercises every part of the protocol: results, errors, streams both ways, groups, users, client
 * results. It is the protocol library's test subject.
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

/** What the server reported: the counters of every hub it tracks, and each send's scope. */
export class RecordedMetrics implements HubMetrics {
  readonly tracked = new Set<HubStats>();
  readonly sends: Array<{ hub: string; scope: SendScope; seconds: number }> = [];

  track(stats: HubStats): void {
    this.tracked.add(stats);
  }

  untrack(stats: HubStats): void {
    this.tracked.delete(stats);
  }

  observeSend(hub: string, scope: SendScope, seconds: number): void {
    this.sends.push({ hub, scope, seconds });
  }

  of(hub: string): HubStats {
    const stats = [...this.tracked].find((candidate) => candidate.hub === hub);
    if (!stats) throw new Error(`no stats of ${hub}`);
    return stats;
  }
}

/** Opaque bearer tokens issued by the test, as an application's own authentication would issue them. */
class TestTokens {
  private readonly users = new Map<string, string>();

  issue(userId: string): string {
    const token = randomBytes(18).toString('base64url');
    this.users.set(token, userId);
    return token;
  }

  readonly authenticate: Authenticate = async (token) => {
    const userId = token === undefined ? undefined : this.users.get(token);
    if (userId === undefined)
      throw new UnauthorizedError(token === undefined ? 'A token is required.' : 'Unknown token.');
    return { userId, claims: { sub: userId } };
  };
}

export interface ProtocolServer {
  url: string;
  hubs: HubServer;
  metrics: RecordedMetrics;
  /** An access token for `userId`, one the private hub accepts. */
  tokenFor(userId: string): string;
  stop(): Promise<void>;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The test hub at /hubs/test (anonymous) and /hubs/private (tokens required), on a plain node:http server, as
 * the package README shows an application serving it.
 */
export async function startProtocolServer(options: Partial<HubServerOptions> = {}): Promise<ProtocolServer> {
  const tokens = new TestTokens();
  const metrics = new RecordedMetrics();
  const hubs = new HubServer({ log: silent, metrics, options });
  hubs.mapHub('/hubs/test', { hub: testHub });
  hubs.mapHub('/hubs/private', { hub: { ...testHub, name: 'private' }, authenticate: tokens.authenticate });
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    if (await hubs.handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => hubs.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubs.start();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hubs,
    metrics,
    tokenFor: (userId) => tokens.issue(userId),
    async stop() {
      await hubs.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
