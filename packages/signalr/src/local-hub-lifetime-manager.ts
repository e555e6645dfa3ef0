import {
  type CloseFilter,
  type CloseOptions,
  defaultUserGroupTtlSeconds,
  type HubConnectionHandle,
  type HubLifetimeManager,
  type SendOptions,
} from './hub-lifetime-manager';
import type { PreparedMessage } from './prepared-message';
import { MemoryUserGroupStore, type UserGroupStore } from './user-group-store';

export interface LocalHubLifetimeOptions {
  /** The hub's name, keying its user-group memberships in a store shared by several hubs. */
  hub?: string;
  /** Where user-group memberships live; several replicas share one (a backplane's). */
  userGroups?: UserGroupStore;
  now?: () => number;
}

/** Connections, groups and users of one hub in this process. */
export class LocalHubLifetimeManager implements HubLifetimeManager {
  private readonly connections = new Map<string, HubConnectionHandle>();
  private readonly groups = new Map<string, Set<HubConnectionHandle>>();
  private readonly groupsOf = new Map<HubConnectionHandle, Set<string>>();
  private readonly users = new Map<string, Set<HubConnectionHandle>>();
  private readonly hub: string;
  private readonly userGroups: UserGroupStore;
  private readonly now: () => number;

  constructor(options: LocalHubLifetimeOptions = {}) {
    this.hub = options.hub ?? '';
    this.userGroups = options.userGroups ?? new MemoryUserGroupStore();
    this.now = options.now ?? Date.now;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async onConnected(connection: HubConnectionHandle): Promise<void> {
    this.connections.set(connection.connectionId, connection);
    if (connection.userId === undefined) return;
    addTo(this.users, connection.userId, connection);
    // Registered first, then the memberships read: a membership added meanwhile reaches this connection either
    // through the store or through joinUserConnections.
    const groups = await this.userGroups.groupsOf(this.hub, connection.userId, this.now());
    if (this.connections.get(connection.connectionId) !== connection) return;
    for (const group of groups) this.join(connection, group);
  }

  async onDisconnected(connection: HubConnectionHandle): Promise<void> {
    if (this.connections.get(connection.connectionId) !== connection) return;
    this.connections.delete(connection.connectionId);
    if (connection.userId !== undefined) removeFrom(this.users, connection.userId, connection);
    this.leaveAll(connection);
  }

  async sendAll(message: PreparedMessage, options?: SendOptions): Promise<void> {
    const excluded = toSet(options?.excluded);
    for (const connection of this.connections.values()) {
      if (excluded === undefined || !excluded.has(connection.connectionId)) connection.deliver(message);
    }
  }

  async sendConnection(connectionId: string, message: PreparedMessage): Promise<void> {
    this.connections.get(connectionId)?.deliver(message);
  }

  async sendConnections(connectionIds: Iterable<string>, message: PreparedMessage): Promise<void> {
    for (const connectionId of new Set(connectionIds)) this.connections.get(connectionId)?.deliver(message);
  }

  async sendGroup(group: string, message: PreparedMessage, options?: SendOptions): Promise<void> {
    const members = this.groups.get(group);
    if (!members) return;
    const excluded = toSet(options?.excluded);
    for (const connection of members) {
      if (excluded === undefined || !excluded.has(connection.connectionId)) connection.deliver(message);
    }
  }

  async sendGroups(groups: Iterable<string>, message: PreparedMessage, options?: SendOptions): Promise<void> {
    const excluded = toSet(options?.excluded);
    // A connection in several of the groups receives the message once.
    const reached = new Set<HubConnectionHandle>();
    for (const group of groups) {
      for (const connection of this.groups.get(group) ?? []) {
        if (reached.has(connection) || excluded?.has(connection.connectionId)) continue;
        reached.add(connection);
        connection.deliver(message);
      }
    }
  }

  async sendUser(userId: string, message: PreparedMessage): Promise<void> {
    for (const connection of this.users.get(userId) ?? []) connection.deliver(message);
  }

  async sendUsers(userIds: Iterable<string>, message: PreparedMessage): Promise<void> {
    for (const userId of new Set(userIds)) await this.sendUser(userId, message);
  }

  async addToGroup(connectionId: string, group: string): Promise<boolean> {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    this.join(connection, group);
    return true;
  }

  async removeFromGroup(connectionId: string, group: string): Promise<boolean> {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    this.leave(connection, group);
    return true;
  }

  async removeFromAllGroups(connectionId: string): Promise<boolean> {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    this.leaveAll(connection);
    return true;
  }

  /** This process holds the connection (the synchronous check a backplane routes by). */
  hasConnection(connectionId: string): boolean {
    return this.connections.has(connectionId);
  }

  hasUser(userId: string): boolean {
    return this.users.has(userId);
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  async connectionExists(connectionId: string): Promise<boolean> {
    return this.connections.has(connectionId);
  }

  async userExists(userId: string): Promise<boolean> {
    return this.users.has(userId);
  }

  async groupExists(group: string): Promise<boolean> {
    return this.groups.has(group);
  }

  async closeConnection(connectionId: string, options: CloseOptions = {}): Promise<boolean> {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    connection.close(options);
    return true;
  }

  async closeConnections(filter: CloseFilter, options: CloseOptions = {}): Promise<void> {
    const excluded = toSet(filter.excluded);
    for (const connection of [...this.matching(filter)]) {
      if (!excluded?.has(connection.connectionId)) connection.close(options);
    }
  }

  async addUserToGroup(userId: string, group: string, ttlSeconds = defaultUserGroupTtlSeconds): Promise<void> {
    if (ttlSeconds > 0) await this.userGroups.add(this.hub, userId, group, this.now() + ttlSeconds * 1000);
    this.joinUserConnections(userId, group);
  }

  async removeUserFromGroup(userId: string, group: string): Promise<void> {
    await this.userGroups.remove(this.hub, userId, group);
    this.leaveUserConnections(userId, group);
  }

  async removeUserFromAllGroups(userId: string): Promise<void> {
    await this.userGroups.removeAll(this.hub, userId);
    this.leaveUserConnections(userId, undefined);
  }

  isUserInGroup(userId: string, group: string): Promise<boolean> {
    return this.userGroups.has(this.hub, userId, group, this.now());
  }

  /** Puts the user's connections in this process in the group (the membership itself is stored elsewhere). */
  joinUserConnections(userId: string, group: string): void {
    for (const connection of this.users.get(userId) ?? []) this.join(connection, group);
  }

  /** Takes the user's connections in this process out of the group, or out of every group. */
  leaveUserConnections(userId: string, group: string | undefined): void {
    for (const connection of this.users.get(userId) ?? []) {
      if (group === undefined) this.leaveAll(connection);
      else this.leave(connection, group);
    }
  }

  invokeConnection(connectionId: string, target: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    const connection = this.connections.get(connectionId);
    if (!connection) return Promise.reject(new Error(`Connection '${connectionId}' does not exist.`));
    return connection.invokeClient(target, args, signal);
  }

  private *matching(filter: CloseFilter): Iterable<HubConnectionHandle> {
    if (filter.group !== undefined) {
      for (const connection of this.groups.get(filter.group) ?? []) {
        if (filter.userId === undefined || connection.userId === filter.userId) yield connection;
      }
    } else if (filter.userId !== undefined) {
      yield* this.users.get(filter.userId) ?? [];
    } else {
      yield* this.connections.values();
    }
  }

  private join(connection: HubConnectionHandle, group: string): void {
    addTo(this.groups, group, connection);
    let joined = this.groupsOf.get(connection);
    if (!joined) {
      joined = new Set();
      this.groupsOf.set(connection, joined);
    }
    joined.add(group);
  }

  private leave(connection: HubConnectionHandle, group: string): void {
    removeFrom(this.groups, group, connection);
    this.groupsOf.get(connection)?.delete(group);
  }

  private leaveAll(connection: HubConnectionHandle): void {
    for (const group of this.groupsOf.get(connection) ?? []) removeFrom(this.groups, group, connection);
    this.groupsOf.delete(connection);
  }
}

function addTo<K>(index: Map<K, Set<HubConnectionHandle>>, key: K, connection: HubConnectionHandle): void {
  let members = index.get(key);
  if (!members) {
    members = new Set();
    index.set(key, members);
  }
  members.add(connection);
}

// Empty sets are dropped, so that "exists" means "has a member" and the maps do not grow with dead keys.
function removeFrom<K>(index: Map<K, Set<HubConnectionHandle>>, key: K, connection: HubConnectionHandle): void {
  const members = index.get(key);
  if (!members) return;
  members.delete(connection);
  if (members.size === 0) index.delete(key);
}

function toSet(ids: Iterable<string> | undefined): Set<string> | undefined {
  if (ids === undefined) return undefined;
  const set = ids instanceof Set ? (ids as Set<string>) : new Set(ids);
  return set.size === 0 ? undefined : set;
}
