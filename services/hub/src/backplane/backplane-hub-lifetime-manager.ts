import {
  type CloseFilter,
  type CloseOptions,
  type HubConnectionHandle,
  type HubLifetimeManager,
  type LocalHubLifetimeManager,
  PreparedMessage,
  type SendOptions,
} from '@shop/signalr';
import type { Backplane } from './backplane';
import type { AskOperation, SendMessage, TellMessage } from './backplane-messages';

/**
 * One hub's lifetime manager across replicas: this replica's connections in `local`, everyone else's through the
 * backplane. A send is published first, then delivered here: when publishing fails nothing was delivered, and
 * the caller's retry cannot deliver twice.
 */
export class BackplaneHubLifetimeManager implements HubLifetimeManager {
  constructor(
    readonly hub: string,
    /** This replica's connections, groups and users. */
    readonly local: LocalHubLifetimeManager,
    private readonly backplane: Backplane,
  ) {}

  onConnected(connection: HubConnectionHandle): Promise<void> {
    return this.local.onConnected(connection);
  }

  onDisconnected(connection: HubConnectionHandle): Promise<void> {
    return this.local.onDisconnected(connection);
  }

  async sendAll(message: PreparedMessage, options?: SendOptions): Promise<void> {
    await this.backplane.publishSend(this.hub, 'all', message, undefined, listOf(options?.excluded));
    await this.local.sendAll(message, options);
  }

  async sendConnection(connectionId: string, message: PreparedMessage): Promise<void> {
    if (this.local.hasConnection(connectionId)) return this.local.sendConnection(connectionId, message);
    await this.backplane.publishSend(this.hub, 'connections', message, [connectionId]);
  }

  async sendConnections(connectionIds: Iterable<string>, message: PreparedMessage): Promise<void> {
    const here: string[] = [];
    const elsewhere: string[] = [];
    for (const id of new Set(connectionIds)) (this.local.hasConnection(id) ? here : elsewhere).push(id);
    if (elsewhere.length > 0) await this.backplane.publishSend(this.hub, 'connections', message, elsewhere);
    await this.local.sendConnections(here, message);
  }

  async sendGroup(group: string, message: PreparedMessage, options?: SendOptions): Promise<void> {
    await this.backplane.publishSend(this.hub, 'groups', message, [group], listOf(options?.excluded));
    await this.local.sendGroup(group, message, options);
  }

  async sendGroups(groups: Iterable<string>, message: PreparedMessage, options?: SendOptions): Promise<void> {
    const names = [...groups];
    await this.backplane.publishSend(this.hub, 'groups', message, names, listOf(options?.excluded));
    await this.local.sendGroups(names, message, options);
  }

  async sendUser(userId: string, message: PreparedMessage): Promise<void> {
    await this.backplane.publishSend(this.hub, 'users', message, [userId]);
    await this.local.sendUser(userId, message);
  }

  async sendUsers(userIds: Iterable<string>, message: PreparedMessage): Promise<void> {
    const ids = [...new Set(userIds)];
    await this.backplane.publishSend(this.hub, 'users', message, ids);
    await this.local.sendUsers(ids, message);
  }

  addToGroup(connectionId: string, group: string): Promise<boolean> {
    if (this.local.hasConnection(connectionId)) return this.local.addToGroup(connectionId, group);
    return this.backplane.ask(this.hub, 'addToGroup', [connectionId, group]);
  }

  removeFromGroup(connectionId: string, group: string): Promise<boolean> {
    if (this.local.hasConnection(connectionId)) return this.local.removeFromGroup(connectionId, group);
    return this.backplane.ask(this.hub, 'removeFromGroup', [connectionId, group]);
  }

  removeFromAllGroups(connectionId: string): Promise<boolean> {
    if (this.local.hasConnection(connectionId)) return this.local.removeFromAllGroups(connectionId);
    return this.backplane.ask(this.hub, 'removeFromAllGroups', [connectionId]);
  }

  async connectionExists(connectionId: string): Promise<boolean> {
    return this.local.hasConnection(connectionId) || this.backplane.ask(this.hub, 'connectionExists', [connectionId]);
  }

  async userExists(userId: string): Promise<boolean> {
    return this.local.hasUser(userId) || this.backplane.ask(this.hub, 'userExists', [userId]);
  }

  async groupExists(group: string): Promise<boolean> {
    return this.local.hasGroup(group) || this.backplane.ask(this.hub, 'groupExists', [group]);
  }

  closeConnection(connectionId: string, options: CloseOptions = {}): Promise<boolean> {
    if (this.local.hasConnection(connectionId)) return this.local.closeConnection(connectionId, options);
    return this.backplane.ask(this.hub, 'closeConnection', [
      connectionId,
      options.error ?? null,
      options.allowReconnect ?? false,
    ]);
  }

  async closeConnections(filter: CloseFilter, options: CloseOptions = {}): Promise<void> {
    await this.backplane.tell(this.hub, 'closeConnections', [
      filter.group ?? null,
      filter.userId ?? null,
      listOf(filter.excluded) ?? [],
      options.error ?? null,
      options.allowReconnect ?? false,
    ]);
    await this.local.closeConnections(filter, options);
  }

  async addUserToGroup(userId: string, group: string, ttlSeconds?: number): Promise<void> {
    // The membership goes to the shared store once; every replica then moves the user's connections it holds.
    await this.local.addUserToGroup(userId, group, ttlSeconds);
    await this.backplane.tell(this.hub, 'joinUser', [userId, group]);
  }

  async removeUserFromGroup(userId: string, group: string): Promise<void> {
    await this.local.removeUserFromGroup(userId, group);
    await this.backplane.tell(this.hub, 'leaveUser', [userId, group]);
  }

  async removeUserFromAllGroups(userId: string): Promise<void> {
    await this.local.removeUserFromAllGroups(userId);
    await this.backplane.tell(this.hub, 'leaveUser', [userId, null]);
  }

  isUserInGroup(userId: string, group: string): Promise<boolean> {
    return this.local.isUserInGroup(userId, group);
  }

  invokeConnection(connectionId: string, target: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    if (this.local.hasConnection(connectionId)) return this.local.invokeConnection(connectionId, target, args, signal);
    return Promise.reject(
      new Error(
        `Connection '${connectionId}' is not on this replica; client results are not carried between replicas.`,
      ),
    );
  }

  /** A send another replica published: delivered to this replica's connections. */
  receiveSend(send: SendMessage): void {
    const records: Record<string, Buffer> = {};
    for (const [protocol, bytes] of Object.entries(send.records)) {
      records[protocol] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const message = PreparedMessage.encoded(records);
    const targets = send.targets ?? [];
    const options = send.excluded ? { excluded: send.excluded } : undefined;
    switch (send.scope) {
      case 'all':
        void this.local.sendAll(message, options);
        return;
      case 'connections':
        void this.local.sendConnections(targets, message);
        return;
      case 'groups':
        void this.local.sendGroups(targets, message, options);
        return;
      case 'users':
        void this.local.sendUsers(targets, message);
        return;
    }
  }

  /** A change another replica asked every replica to make to its own connections. */
  receiveTell(tell: TellMessage): void {
    const [first, second, excluded, error, allowReconnect] = tell.args;
    switch (tell.op) {
      case 'closeConnections':
        void this.local.closeConnections(
          {
            ...(typeof first === 'string' ? { group: first } : {}),
            ...(typeof second === 'string' ? { userId: second } : {}),
            excluded: Array.isArray(excluded) ? excluded : [],
          },
          closeOptions(error, allowReconnect),
        );
        return;
      case 'joinUser':
        if (typeof first === 'string' && typeof second === 'string') this.local.joinUserConnections(first, second);
        return;
      case 'leaveUser':
        if (typeof first === 'string') {
          this.local.leaveUserConnections(first, typeof second === 'string' ? second : undefined);
        }
        return;
    }
  }

  /** This replica's answer to another replica's question. */
  async answer(op: AskOperation, args: Array<string | boolean | null>): Promise<boolean> {
    const [first, second, third] = args;
    if (typeof first !== 'string') return false;
    switch (op) {
      case 'connectionExists':
        return this.local.hasConnection(first);
      case 'userExists':
        return this.local.hasUser(first);
      case 'groupExists':
        return this.local.hasGroup(first);
      case 'addToGroup':
        return typeof second === 'string' && this.local.addToGroup(first, second);
      case 'removeFromGroup':
        return typeof second === 'string' && this.local.removeFromGroup(first, second);
      case 'removeFromAllGroups':
        return this.local.removeFromAllGroups(first);
      case 'closeConnection':
        return this.local.closeConnection(first, closeOptions(second, third));
    }
  }
}

function listOf(ids: Iterable<string> | undefined): string[] | undefined {
  return ids === undefined ? undefined : [...ids];
}

function closeOptions(error: unknown, allowReconnect: unknown): CloseOptions {
  return {
    ...(typeof error === 'string' ? { error } : {}),
    ...(allowReconnect === true ? { allowReconnect: true } : {}),
  };
}
