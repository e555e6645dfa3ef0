/**
 * Which groups a user belongs to, kept apart from connections: a user added to a group is in it with every
 * connection they have now and open later, until the membership expires (the Azure SignalR REST API's
 * user-group semantics). Several hub replicas share one store, so a user's next connection on any replica joins.
 */
export interface UserGroupStore {
  /** Adds (or renews) the membership until `expiresAtMs` (epoch milliseconds). */
  add(hub: string, userId: string, group: string, expiresAtMs: number): Promise<void>;
  remove(hub: string, userId: string, group: string): Promise<void>;
  removeAll(hub: string, userId: string): Promise<void>;
  /** The groups the user is in at `nowMs`. */
  groupsOf(hub: string, userId: string, nowMs: number): Promise<string[]>;
  has(hub: string, userId: string, group: string, nowMs: number): Promise<boolean>;
}

/** Memberships kept per user; past this the one expiring soonest goes (Azure keeps a user's latest 100). */
export const maxGroupsPerUser = 100;

/** The store of one process (a single replica, the embedded topology, tests). */
export class MemoryUserGroupStore implements UserGroupStore {
  private readonly memberships = new Map<string, Map<string, number>>();

  async add(hub: string, userId: string, group: string, expiresAtMs: number): Promise<void> {
    const key = keyOf(hub, userId);
    let groups = this.memberships.get(key);
    if (!groups) {
      groups = new Map();
      this.memberships.set(key, groups);
    }
    groups.set(group, expiresAtMs);
    if (groups.size > maxGroupsPerUser) {
      let soonest: [string, number] | undefined;
      for (const entry of groups) if (!soonest || entry[1] < soonest[1]) soonest = entry;
      if (soonest) groups.delete(soonest[0]);
    }
  }

  async remove(hub: string, userId: string, group: string): Promise<void> {
    const key = keyOf(hub, userId);
    const groups = this.memberships.get(key);
    groups?.delete(group);
    if (groups?.size === 0) this.memberships.delete(key);
  }

  async removeAll(hub: string, userId: string): Promise<void> {
    this.memberships.delete(keyOf(hub, userId));
  }

  async groupsOf(hub: string, userId: string, nowMs: number): Promise<string[]> {
    const key = keyOf(hub, userId);
    const groups = this.memberships.get(key);
    if (!groups) return [];
    const current: string[] = [];
    for (const [group, expiresAtMs] of groups) {
      if (expiresAtMs > nowMs) current.push(group);
      else groups.delete(group);
    }
    if (groups.size === 0) this.memberships.delete(key);
    return current;
  }

  async has(hub: string, userId: string, group: string, nowMs: number): Promise<boolean> {
    const expiresAtMs = this.memberships.get(keyOf(hub, userId))?.get(group);
    return expiresAtMs !== undefined && expiresAtMs > nowMs;
  }
}

function keyOf(hub: string, userId: string): string {
  return `${hub}\u0000${userId}`;
}
