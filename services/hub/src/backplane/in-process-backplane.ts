import { MemoryUserGroupStore } from '@shop/signalr';
import type { BackplaneTransport } from './backplane-transport';

type Handler = (message: Uint8Array) => void;

/**
 * Replicas in one process: the embedded topology and a single hub process have a network of one (nothing is
 * published), tests join several to exercise the backplane without Redis. Messages are handed over
 * asynchronously and in publish order, as Redis pub/sub hands them to a subscriber.
 */
export class InProcessBackplaneNetwork {
  readonly userGroups = new MemoryUserGroupStore();
  private readonly channels = new Map<string, Set<Handler>>();
  private readonly alive = new Map<string, number>();
  private members = 0;

  join(): BackplaneTransport {
    this.members++;
    const network = this;
    const own: Array<[string, Handler]> = [];
    let closed = false;
    return {
      get shared() {
        return network.members > 1;
      },
      userGroups: this.userGroups,
      async subscribe(channel, handler) {
        let handlers = network.channels.get(channel);
        if (!handlers) {
          handlers = new Set();
          network.channels.set(channel, handlers);
        }
        handlers.add(handler);
        own.push([channel, handler]);
      },
      async publish(channel, message) {
        if (closed) throw new Error('the backplane transport is closed');
        const handlers = [...(network.channels.get(channel) ?? [])];
        queueMicrotask(() => {
          for (const handler of handlers) handler(message);
        });
      },
      async announce(replicaId, ttlMs) {
        network.alive.set(replicaId, Date.now() + ttlMs);
      },
      async liveReplicas() {
        const now = Date.now();
        return [...network.alive].filter(([, until]) => until > now).map(([id]) => id);
      },
      async withdraw(replicaId) {
        network.alive.delete(replicaId);
      },
      async check() {},
      async close() {
        if (closed) return;
        closed = true;
        network.members--;
        for (const [channel, handler] of own) network.channels.get(channel)?.delete(handler);
      },
    };
  }
}
