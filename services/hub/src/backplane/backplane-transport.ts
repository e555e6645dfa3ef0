import type { UserGroupStore } from '@shop/signalr';

/**
 * What the hub replicas share: a publish/subscribe bus that hands every message to every subscribed replica (the
 * publisher included), a register of the replicas alive now, and the store of user-group memberships.
 */
export interface BackplaneTransport {
  /** False while no other replica can be listening: publishing would reach no one. */
  readonly shared: boolean;
  readonly userGroups: UserGroupStore;
  subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<void>;
  /** Resolves once the bus took the message; rejects when it cannot be reached. */
  publish(channel: string, message: Uint8Array): Promise<void>;
  /** Marks the replica alive for `ttlMs` (renewed by the caller well before it runs out). */
  announce(replicaId: string, ttlMs: number): Promise<void>;
  /** The replicas marked alive now, this one included once announced. */
  liveReplicas(): Promise<string[]>;
  withdraw(replicaId: string): Promise<void>;
  /** Throws while the bus cannot be reached (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}
