import type { HubLifetimeManager } from './hub-lifetime-manager';
import { PreparedMessage } from './prepared-message';

/** Which connections a send addresses; also the label of the send-latency histogram. */
export type SendScope = 'all' | 'connection' | 'connections' | 'group' | 'groups' | 'user' | 'users';

export interface ClientProxy {
  /** Invokes `target` on every addressed client, without waiting for answers. */
  send(target: string, ...args: unknown[]): Promise<void>;
  /** Sends a message prepared once (e.g. already serialised per protocol) to every addressed client. */
  sendPrepared(message: PreparedMessage): Promise<void>;
}

export interface SingleClientProxy extends ClientProxy {
  /** Invokes `target` on that client and answers its result (the client must have a handler that returns one). */
  invoke(target: string, ...args: unknown[]): Promise<unknown>;
}

/**
 * The server-side way to reach clients of one hub, in ASP.NET Core's shape (Clients.All, Clients.Group(...)):
 * each send is serialised once, handed to the lifetime manager, and timed.
 */
export class HubClients {
  constructor(
    readonly lifetime: HubLifetimeManager,
    private readonly observeSend: (scope: SendScope, seconds: number) => void = () => {},
  ) {}

  get all(): ClientProxy {
    return this.proxy('all', (message) => this.lifetime.sendAll(message));
  }

  allExcept(excluded: Iterable<string>): ClientProxy {
    const ids = [...excluded];
    return this.proxy('all', (message) => this.lifetime.sendAll(message, { excluded: ids }));
  }

  client(connectionId: string): SingleClientProxy {
    return {
      ...this.proxy('connection', (message) => this.lifetime.sendConnection(connectionId, message)),
      invoke: (target, ...args) => this.lifetime.invokeConnection(connectionId, target, args),
    };
  }

  clients(connectionIds: Iterable<string>): ClientProxy {
    const ids = [...connectionIds];
    return this.proxy('connections', (message) => this.lifetime.sendConnections(ids, message));
  }

  group(group: string): ClientProxy {
    return this.proxy('group', (message) => this.lifetime.sendGroup(group, message));
  }

  groupExcept(group: string, excluded: Iterable<string>): ClientProxy {
    const ids = [...excluded];
    return this.proxy('group', (message) => this.lifetime.sendGroup(group, message, { excluded: ids }));
  }

  groups(groups: Iterable<string>): ClientProxy {
    const names = [...groups];
    return this.proxy('groups', (message) => this.lifetime.sendGroups(names, message));
  }

  user(userId: string): ClientProxy {
    return this.proxy('user', (message) => this.lifetime.sendUser(userId, message));
  }

  users(userIds: Iterable<string>): ClientProxy {
    const ids = [...userIds];
    return this.proxy('users', (message) => this.lifetime.sendUsers(ids, message));
  }

  private proxy(scope: SendScope, deliver: (message: PreparedMessage) => Promise<void>): ClientProxy {
    const sendPrepared = async (message: PreparedMessage) => {
      const startedAt = performance.now();
      await deliver(message);
      this.observeSend(scope, (performance.now() - startedAt) / 1000);
    };
    return {
      send: (target, ...args) => sendPrepared(PreparedMessage.invocation(target, args)),
      sendPrepared,
    };
  }
}
