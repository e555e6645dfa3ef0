import type { PreparedMessage } from './prepared-message';

export interface CloseOptions {
  /** Sent to the client in the Close message. */
  error?: string;
  /** Tells a client with automatic reconnect to reconnect. */
  allowReconnect?: boolean;
}

/** A live connection as the lifetime manager sees it. */
export interface HubConnectionHandle {
  readonly connectionId: string;
  readonly userId: string | undefined;
  /** Queues the message for the client; never blocks (a client that cannot keep up is closed instead). */
  deliver(message: PreparedMessage): void;
  close(options: CloseOptions): void;
  /** Invokes a client method and waits for the client's result (a "client result", ASP.NET Core 7+). */
  invokeClient(target: string, args: unknown[], signal?: AbortSignal): Promise<unknown>;
}

export interface SendOptions {
  /** Connection ids that must not receive the message. */
  excluded?: Iterable<string>;
}

/** Which connections a bulk close ends: every connection of the hub, or those of one group or one user. */
export interface CloseFilter {
  group?: string;
  userId?: string;
  /** Connection ids left open. */
  excluded?: Iterable<string>;
}

/** A user's group membership lasts this long when no time is given (the Azure SignalR Service's limit). */
export const defaultUserGroupTtlSeconds = 365 * 24 * 3600;

/**
 * The server-side send API of one hub: where connections, groups and users live. The local implementation keeps
 * them in this process; a backplane implements the same interface to reach the connections of every replica.
 */
export interface HubLifetimeManager {
  onConnected(connection: HubConnectionHandle): Promise<void>;
  onDisconnected(connection: HubConnectionHandle): Promise<void>;

  sendAll(message: PreparedMessage, options?: SendOptions): Promise<void>;
  sendConnection(connectionId: string, message: PreparedMessage): Promise<void>;
  sendConnections(connectionIds: Iterable<string>, message: PreparedMessage): Promise<void>;
  sendGroup(group: string, message: PreparedMessage, options?: SendOptions): Promise<void>;
  sendGroups(groups: Iterable<string>, message: PreparedMessage, options?: SendOptions): Promise<void>;
  sendUser(userId: string, message: PreparedMessage): Promise<void>;
  sendUsers(userIds: Iterable<string>, message: PreparedMessage): Promise<void>;

  /** False when no such connection exists. */
  addToGroup(connectionId: string, group: string): Promise<boolean>;
  /** False when no such connection exists; true whether or not it was a member. */
  removeFromGroup(connectionId: string, group: string): Promise<boolean>;
  removeFromAllGroups(connectionId: string): Promise<boolean>;

  connectionExists(connectionId: string): Promise<boolean>;
  /** True while the user has at least one live connection. */
  userExists(userId: string): Promise<boolean>;
  /** True while at least one connection belongs to the group. */
  groupExists(group: string): Promise<boolean>;

  /** Sends Close with the options, then ends the transport; false when no such connection exists. */
  closeConnection(connectionId: string, options?: CloseOptions): Promise<boolean>;
  /** Closes every connection the filter matches, as closeConnection does. */
  closeConnections(filter: CloseFilter, options?: CloseOptions): Promise<void>;

  /**
   * Puts the user in the group with every connection they have now and, for `ttlSeconds` (a year when
   * undefined), every connection they open later; `ttlSeconds` 0 adds only the connections they have now.
   */
  addUserToGroup(userId: string, group: string, ttlSeconds?: number): Promise<void>;
  /** Ends the membership and takes the user's connections out of the group. */
  removeUserFromGroup(userId: string, group: string): Promise<void>;
  /** Ends every membership of the user and takes their connections out of every group. */
  removeUserFromAllGroups(userId: string): Promise<void>;
  /** True while the user's membership (addUserToGroup) lasts. */
  isUserInGroup(userId: string, group: string): Promise<boolean>;

  invokeConnection(connectionId: string, target: string, args: unknown[], signal?: AbortSignal): Promise<unknown>;
}
