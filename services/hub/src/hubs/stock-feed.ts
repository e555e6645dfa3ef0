import { StockChanged, type StockLevels } from '@shop/contracts';
import type { Logger, Mesh } from '@shop/kit';
import { type HubClients, HubError } from '@shop/signalr';
import { BoundedMap } from './bounded-map';

/** What a client receives as `StockChanged` (CONTRACT.md, Realtime hub); `version` is an extension. */
export interface StockChangedMessage extends StockLevels {
  at: string;
  /** The inventory's per-product version of these levels. */
  version: number;
}

/** The group of connections subscribed to one product. */
export function stockGroup(productId: string): string {
  return `stock:${productId}`;
}

export interface StockFeedDeps {
  mesh: Mesh;
  log: Logger;
  /** Products whose latest state the feed remembers. */
  capacity: number;
  /**
   * How long a change that skips a version waits for the missing ones (events reach the replicas by different
   * paths and may overtake each other) before it is sent anyway.
   */
  reorderWindowMs?: number;
  /**
   * How long a product the inventory answered 404 for is taken as unknown without asking again: anyone may
   * subscribe to any id, and each unknown one would otherwise cost an inventory read. 0 asks every time.
   */
  unknownProductTtlMs?: number;
}

const defaultReorderWindowMs = 250;
const defaultUnknownProductTtlMs = 10_000;
/** Unknown ids remembered at most; beyond, the oldest are forgotten (and cost a read again). */
const unknownProductEntries = 10_000;

interface HeldChanges {
  byVersion: Map<number, StockChangedMessage>;
  timer: NodeJS.Timeout;
}

/**
 * Turns `inventory.stock-changed` events into `StockChanged` messages for each product's subscribers, in version
 * order: an event older than one already sent for its product (a redelivery, a late duplicate) is not sent.
 * Remembers the latest state per product, so a client that (re)subscribes is told the current stock at once.
 *
 * Each hub replica runs one and sends to its own connections only: Dapr hands an event to one replica, which
 * shares it through the backplane so that every replica applies it in version order against its own memory.
 */
export class StockFeed {
  private readonly latest: BoundedMap<string, StockChangedMessage>;
  /** Changes that came before a version still on its way, per product. */
  private readonly held = new Map<string, HeldChanges>();
  /** Products the inventory did not know, with when that answer stops counting (ms since the epoch). */
  private readonly unknown = new BoundedMap<string, number>(unknownProductEntries);
  private hubClients: HubClients | undefined;

  constructor(private readonly deps: StockFeedDeps) {
    this.latest = new BoundedMap(deps.capacity);
  }

  /**
   * The clients of the inventory hub's connections on this replica, once it is mapped (the hub and its feed need
   * each other).
   */
  attach(clients: HubClients): void {
    this.hubClients = clients;
  }

  /**
   * Versions are consecutive per product, so every change is sent, in order: one that skips a version is held
   * until the missing ones arrive (or the reorder window passes); one older than what was sent is dropped.
   */
  async changed(event: StockChanged): Promise<void> {
    const message: StockChangedMessage = {
      productId: event.productId,
      onHand: event.onHand,
      reserved: event.reserved,
      available: event.available,
      at: event.at,
      version: event.version,
    };
    const known = this.latest.get(event.productId);
    if (known && known.version >= message.version) return;
    if (known && message.version > known.version + 1) {
      this.hold(message);
      return;
    }
    await this.sendInOrder(event.productId, [message, ...this.releaseFollowing(event.productId, message.version)]);
  }

  private hold(message: StockChangedMessage): void {
    const held = this.held.get(message.productId);
    if (held) {
      held.byVersion.set(message.version, message);
      return;
    }
    const timer = setTimeout(() => {
      const waiting = this.held.get(message.productId);
      this.held.delete(message.productId);
      if (!waiting) return;
      const newer = [...waiting.byVersion.values()]
        .filter((change) => change.version > (this.latest.get(message.productId)?.version ?? -1))
        .sort((a, b) => a.version - b.version);
      this.sendInOrder(message.productId, newer).catch((error: unknown) =>
        this.deps.log.error({ err: error, productId: message.productId }, 'sending held stock changes failed'),
      );
    }, this.deps.reorderWindowMs ?? defaultReorderWindowMs);
    timer.unref();
    this.held.set(message.productId, { byVersion: new Map([[message.version, message]]), timer });
  }

  /** The held changes that now follow `version` without a gap, taken out of the hold. */
  private releaseFollowing(productId: string, version: number): StockChangedMessage[] {
    const held = this.held.get(productId);
    if (!held) return [];
    const released: StockChangedMessage[] = [];
    for (let next = version + 1; held.byVersion.has(next); next++) {
      released.push(held.byVersion.get(next) as StockChangedMessage);
      held.byVersion.delete(next);
    }
    for (const stale of held.byVersion.keys()) if (stale <= version) held.byVersion.delete(stale);
    if (held.byVersion.size === 0) {
      clearTimeout(held.timer);
      this.held.delete(productId);
    }
    return released;
  }

  private async sendInOrder(productId: string, messages: StockChangedMessage[]): Promise<void> {
    const last = messages.at(-1);
    if (!last) return;
    // Remembered before any send waits, so a change arriving meanwhile is judged against the newest.
    this.latest.set(productId, last);
    for (const message of messages) await this.clients().group(stockGroup(productId)).send('StockChanged', message);
  }

  /**
   * Tells one connection the product's current stock: the latest state seen, else the inventory's versioned read
   * (`GET /internal/stock/:productId` through the mesh), remembered as the latest so that an older event arriving
   * later is not sent over it. A product the inventory does not know yet sends nothing; its first change will.
   */
  async sendCurrent(connectionId: string, productId: string): Promise<void> {
    const client = this.clients().client(connectionId);
    const seen = this.latest.get(productId);
    if (seen) {
      await client.send('StockChanged', seen);
      return;
    }
    // A product created since the inventory's 404 is in `latest` once its first event came, checked above.
    if ((this.unknown.get(productId) ?? 0) > Date.now()) return;
    const answer = await this.deps.mesh.invoke('inventory', `/internal/stock/${productId}`, { method: 'GET' });
    if (answer.status === 404) {
      // Created meanwhile: its first event reaches the group, this client included.
      const ttlMs = this.deps.unknownProductTtlMs ?? defaultUnknownProductTtlMs;
      if (ttlMs > 0) this.unknown.set(productId, Date.now() + ttlMs);
      return;
    }
    const { value: read, error } =
      answer.status === 200
        ? // The read carries what the event carries: the levels with their version and the time of that change.
          StockChanged.schema.validate(answer.body, { allowUnknown: true, stripUnknown: true, convert: false })
        : { value: undefined, error: undefined };
    if (!read || error) {
      this.deps.log.warn({ productId, status: answer.status }, 'current stock could not be read from the inventory');
      throw new HubError('The current stock could not be read; the subscription stands and changes will follow.');
    }
    const snapshot: StockChangedMessage = {
      productId,
      onHand: read.onHand,
      reserved: read.reserved,
      available: read.available,
      at: read.at,
      version: read.version,
    };
    // An event that arrived while the inventory answered was sent to the group, this client included: whichever
    // is newer is what the client must see last.
    const arrived = this.latest.get(productId);
    if (arrived && arrived.version >= snapshot.version) {
      await client.send('StockChanged', arrived);
      return;
    }
    // The read is newer than anything sent here: the whole group gets it, because the event of this version will
    // now be dropped as already seen.
    this.latest.set(productId, snapshot);
    await this.clients().group(stockGroup(productId)).send('StockChanged', snapshot);
  }

  private clients(): HubClients {
    if (!this.hubClients) throw new Error('the stock feed is not attached to the inventory hub');
    return this.hubClients;
  }
}
