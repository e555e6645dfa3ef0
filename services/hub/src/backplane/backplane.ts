import { randomUUID } from 'node:crypto';
import {
  type HubLog,
  type HubProtocol,
  jsonHubProtocol,
  LocalHubLifetimeManager,
  messagePackHubProtocol,
  type PreparedMessage,
} from '@shop/signalr';
import { BackplaneHubLifetimeManager } from './backplane-hub-lifetime-manager';
import {
  type AskMessage,
  type AskOperation,
  type BackplaneMessage,
  decodeMessage,
  encodeMessage,
  type SendScope,
  type TellMessage,
} from './backplane-messages';
import type { BackplaneTransport } from './backplane-transport';

export interface BackplaneOptions {
  /** Names the channels, so several platforms can share one Redis. */
  prefix: string;
  log: HubLog;
  /** How long a question to the other replicas waits for the silent ones before answering with what it heard. */
  askTimeoutMs?: number;
  /** How often this replica renews its mark as alive (valid for three times as long). */
  heartbeatIntervalMs?: number;
  /** The hub protocols a send is serialised in for the other replicas. */
  protocols?: HubProtocol[];
}

/** The bus could not be reached: the send or question did not leave this replica (a caller may retry). */
export class BackplaneUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the hub backplane is unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'BackplaneUnavailableError';
  }
}

interface PendingAsk {
  answer(from: string, value: boolean): void;
}

/**
 * This replica's place among the hub's replicas. Every send is published once on a shared bus and every replica
 * delivers it to its own connections, so each connection gets it exactly once; questions about connections,
 * groups and users that may live elsewhere (exists? add to a group, close) go to every live replica, which
 * answer for their own; events Dapr delivered to this replica only are passed on for every replica to apply.
 */
export class Backplane {
  readonly replicaId = randomUUID();
  private readonly hubs = new Map<string, BackplaneHubLifetimeManager>();
  private readonly feeds = new Map<string, (data: unknown) => Promise<void>>();
  private readonly pending = new Map<string, PendingAsk>();
  private readonly bus: string;
  private readonly replies: string;
  private readonly askTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly protocols: HubProtocol[];
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    readonly transport: BackplaneTransport,
    private readonly options: BackplaneOptions,
  ) {
    this.bus = `${options.prefix}:bus`;
    this.replies = `${options.prefix}:reply:${this.replicaId}`;
    this.askTimeoutMs = options.askTimeoutMs ?? 2_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 2_000;
    this.protocols = options.protocols ?? [jsonHubProtocol, messagePackHubProtocol];
  }

  /** Subscribes, then announces this replica: once others count on its answers, it hears their questions. */
  async start(): Promise<void> {
    const received = (bytes: Uint8Array) => this.received(bytes);
    await this.transport.subscribe(this.bus, received);
    await this.transport.subscribe(this.replies, received);
    await this.announce();
    this.heartbeat = setInterval(() => {
      this.announce().catch((error: unknown) =>
        this.options.log.warn({ err: error }, 'the backplane could not renew this replica'),
      );
    }, this.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.transport.withdraw(this.replicaId).catch(() => {});
    for (const pending of this.pending.values()) pending.answer(this.replicaId, false);
    await this.transport.close();
  }

  check(): Promise<void> {
    return this.transport.check();
  }

  /** The lifetime manager of a hub this replica serves: sends from other replicas reach its connections. */
  hub(name: string): BackplaneHubLifetimeManager {
    let hub = this.hubs.get(name);
    if (!hub) {
      hub = this.managerFor(name);
      this.hubs.set(name, hub);
    }
    return hub;
  }

  /**
   * The lifetime manager of any hub: this replica's when it serves the hub, otherwise one that holds no
   * connections and reaches those of the other replicas (a REST call for a hub whose clients are elsewhere).
   */
  lookup(name: string): BackplaneHubLifetimeManager {
    return this.hubs.get(name) ?? this.managerFor(name);
  }

  /** Registers how every replica applies the events of `feed`. */
  feed<T>(name: string, apply: (data: T) => Promise<void>): void {
    this.feeds.set(name, apply as (data: unknown) => Promise<void>);
  }

  /**
   * Has every replica apply an event, this one included; rejects when the bus cannot take it, so that the mesh
   * delivers the event again. Feeds apply an event idempotently (by version, by status), so this replica's clients
   * are served even while the bus is away, and the retry adds nothing for them.
   */
  async share(feed: string, data: unknown): Promise<void> {
    const apply = this.feeds.get(feed);
    if (!apply) throw new Error(`no feed ${feed} is registered`);
    // Put on the bus before this replica starts its own sends: a send to thousands of connections holds this event
    // loop for tens of milliseconds, and the other replicas fan out meanwhile instead of after it.
    const published = this.transport.shared
      ? this.publish(this.bus, encodeMessage({ kind: 'event', origin: this.replicaId, feed, data }))
      : undefined;
    const [applied, shared] = await Promise.allSettled([apply(data), published]);
    if (applied.status === 'rejected') throw applied.reason;
    if (shared.status === 'rejected') throw shared.reason;
  }

  /** Publishes a send for the other replicas' connections (nothing when no other replica can listen). */
  async publishSend(
    hub: string,
    scope: SendScope,
    message: PreparedMessage,
    targets?: string[],
    excluded?: string[],
  ): Promise<void> {
    if (!this.transport.shared) return;
    const records: Record<string, Uint8Array> = {};
    for (const protocol of this.protocols) records[protocol.name] = message.record(protocol);
    await this.publish(
      this.bus,
      encodeMessage({
        kind: 'send',
        origin: this.replicaId,
        hub,
        scope,
        ...(targets ? { targets } : {}),
        ...(excluded && excluded.length > 0 ? { excluded } : {}),
        records,
      }),
    );
  }

  /**
   * Asks every other live replica; true as soon as one answers true, false once all answered false (or the
   * silent ones timed out: a replica that crashed holds nothing any more).
   */
  async ask(hub: string, op: AskOperation, args: Array<string | boolean | null>): Promise<boolean> {
    if (!this.transport.shared) return false;
    let live: string[];
    try {
      live = await this.transport.liveReplicas();
    } catch (error) {
      throw new BackplaneUnavailableError(error);
    }
    const peers = live.filter((id) => id !== this.replicaId);
    if (peers.length === 0) return false;
    const id = randomUUID();
    const waiting = new Set(peers);
    return new Promise<boolean>((resolve, reject) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.options.log.warn({ op, hub, silent: [...waiting] }, 'replicas did not answer the backplane in time');
        done(false);
      }, this.askTimeoutMs);
      this.pending.set(id, {
        answer(from, value) {
          if (value) return done(true);
          waiting.delete(from);
          if (waiting.size === 0) done(false);
        },
      });
      this.publish(this.bus, encodeMessage({ kind: 'ask', origin: this.replicaId, id, hub, op, args })).catch(
        (error: unknown) => {
          clearTimeout(timer);
          this.pending.delete(id);
          reject(error);
        },
      );
    });
  }

  /** Has every other replica apply a change to its own connections. */
  async tell(hub: string, op: TellMessage['op'], args: TellMessage['args']): Promise<void> {
    if (!this.transport.shared) return;
    await this.publish(this.bus, encodeMessage({ kind: 'tell', origin: this.replicaId, hub, op, args }));
  }

  private async publish(channel: string, message: Uint8Array): Promise<void> {
    try {
      await this.transport.publish(channel, message);
    } catch (error) {
      throw new BackplaneUnavailableError(error);
    }
  }

  private announce(): Promise<void> {
    return this.transport.announce(this.replicaId, this.heartbeatIntervalMs * 3);
  }

  private managerFor(name: string): BackplaneHubLifetimeManager {
    const local = new LocalHubLifetimeManager({ hub: name, userGroups: this.transport.userGroups });
    return new BackplaneHubLifetimeManager(name, local, this);
  }

  private received(bytes: Uint8Array): void {
    const message = decodeMessage(bytes);
    if (!message || message.origin === this.replicaId) return;
    try {
      this.dispatch(message);
    } catch (error) {
      this.options.log.error({ err: error, kind: message.kind }, 'a backplane message could not be applied');
    }
  }

  private dispatch(message: BackplaneMessage): void {
    switch (message.kind) {
      case 'send':
        this.hubs.get(message.hub)?.receiveSend(message);
        return;
      case 'tell':
        this.hubs.get(message.hub)?.receiveTell(message);
        return;
      case 'ask':
        void this.answer(message);
        return;
      case 'reply':
        this.pending.get(message.id)?.answer(message.origin, message.value);
        return;
      case 'event': {
        const apply = this.feeds.get(message.feed);
        apply?.(message.data).catch((error: unknown) =>
          this.options.log.error({ err: error, feed: message.feed }, 'a shared event could not be applied'),
        );
        return;
      }
    }
  }

  private async answer(message: AskMessage): Promise<void> {
    try {
      const value = (await this.hubs.get(message.hub)?.answer(message.op, message.args)) ?? false;
      await this.transport.publish(
        `${this.options.prefix}:reply:${message.origin}`,
        encodeMessage({ kind: 'reply', origin: this.replicaId, id: message.id, value }),
      );
    } catch (error) {
      this.options.log.warn({ err: error, op: message.op }, 'a backplane question could not be answered');
    }
  }
}
