import { maxGroupsPerUser, type UserGroupStore } from '@shop/signalr';
import { Redis, type RedisOptions } from 'ioredis';
import type { BackplaneTransport } from './backplane-transport';

export interface RedisBackplaneOptions {
  /** `host:port`, as Dapr's redisHost. */
  host: string;
  password?: string;
  tls?: boolean;
  /** Prefixes every key and channel, so several platforms can share one Redis. */
  prefix: string;
  /** How long start() waits for Redis. */
  connectTimeoutMs?: number;
}

/**
 * The backplane on Redis: pub/sub for the bus (one subscriber connection per replica, resubscribed by ioredis
 * after a reconnect), keys with a server-side expiry for the replicas alive, a sorted set per user for group
 * memberships (scored by expiry time).
 */
export async function connectRedisBackplane(options: RedisBackplaneOptions): Promise<BackplaneTransport> {
  const [host, portText] = splitHost(options.host);
  const base: RedisOptions = {
    host,
    port: portText,
    ...(options.password ? { password: options.password } : {}),
    ...(options.tls ? { tls: {} } : {}),
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // Fail a command at once while Redis is away instead of queueing it: a send must fail (and be retried by its
    // caller) rather than hang or arrive minutes late.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  const commands = new Redis({ ...base, connectionName: 'shop-hub-backplane' });
  // The subscriber queues its (re)subscriptions until it is connected.
  const subscriber = new Redis({ ...base, enableOfflineQueue: true, connectionName: 'shop-hub-backplane-sub' });
  // ioredis reconnects by itself; errors are reported through failed commands and the readiness check.
  commands.on('error', () => {});
  subscriber.on('error', () => {});
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw new Error(`the hub backplane could not reach Redis at ${options.host}: ${(error as Error).message}`);
  }

  const handlers = new Map<string, Array<(message: Uint8Array) => void>>();
  subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    for (const handler of handlers.get(channel.toString('utf8')) ?? []) handler(message);
  });

  const replicas = `${options.prefix}:replicas`;
  const aliveKey = (replicaId: string) => `${options.prefix}:replica:${replicaId}`;
  let closed = false;

  return {
    shared: true,
    userGroups: new RedisUserGroupStore(commands, `${options.prefix}:user-groups`),
    async subscribe(channel, handler) {
      const list = handlers.get(channel) ?? [];
      list.push(handler);
      handlers.set(channel, list);
      await subscriber.subscribe(channel);
    },
    async publish(channel, message) {
      await commands.publish(channel, Buffer.from(message.buffer, message.byteOffset, message.byteLength));
    },
    async announce(replicaId, ttlMs) {
      await commands.multi().sadd(replicas, replicaId).set(aliveKey(replicaId), '1', 'PX', ttlMs).exec();
    },
    async liveReplicas() {
      const members = await commands.smembers(replicas);
      if (members.length === 0) return [];
      const pipeline = commands.pipeline();
      for (const member of members) pipeline.exists(aliveKey(member));
      const answers = (await pipeline.exec()) ?? [];
      const live: string[] = [];
      const gone: string[] = [];
      members.forEach((member, index) => {
        (answers[index]?.[1] === 1 ? live : gone).push(member);
      });
      // A replica that stopped renewing (crashed) is forgotten by whoever notices first.
      if (gone.length > 0) await commands.srem(replicas, ...gone);
      return live;
    },
    async withdraw(replicaId) {
      await commands.multi().srem(replicas, replicaId).del(aliveKey(replicaId)).exec();
    },
    async check() {
      await commands.ping();
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([release(commands), release(subscriber)]);
    },
  };
}

class RedisUserGroupStore implements UserGroupStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async add(hub: string, userId: string, group: string, expiresAtMs: number): Promise<void> {
    const key = this.key(hub, userId);
    await this.redis
      .multi()
      .zadd(key, expiresAtMs, group)
      .zremrangebyscore(key, '-inf', Date.now())
      // Keeps the memberships expiring last.
      .zremrangebyrank(key, 0, -(maxGroupsPerUser + 1))
      .pexpireat(key, expiresAtMs, 'NX')
      .pexpireat(key, expiresAtMs, 'GT')
      .exec();
  }

  async remove(hub: string, userId: string, group: string): Promise<void> {
    await this.redis.zrem(this.key(hub, userId), group);
  }

  async removeAll(hub: string, userId: string): Promise<void> {
    await this.redis.del(this.key(hub, userId));
  }

  groupsOf(hub: string, userId: string, nowMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key(hub, userId), `(${nowMs}`, '+inf');
  }

  async has(hub: string, userId: string, group: string, nowMs: number): Promise<boolean> {
    const score = await this.redis.zscore(this.key(hub, userId), group);
    return score !== null && Number(score) > nowMs;
  }

  // Hub names cannot hold ':', so the user id after it is unambiguous whatever it holds.
  private key(hub: string, userId: string): string {
    return `${this.prefix}:${hub}:${userId}`;
  }
}

/** Quits politely when connected; otherwise stops the reconnection attempts, which would keep the process alive. */
async function release(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function splitHost(hostAndPort: string): [string, number] {
  const match = /^(.*):(\d+)$/.exec(hostAndPort);
  if (!match) return [hostAndPort, 6379];
  return [match[1]?.replace(/^\[|\]$/g, '') ?? hostAndPort, Number(match[2])];
}
