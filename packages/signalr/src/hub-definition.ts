import type { HubClients } from './hub-clients';

/** Who is on the other end of a connection, as the endpoint's authentication found them. */
export interface HubPrincipal {
  /** Identifies the user for user sends (the token's `sub`). */
  userId?: string;
  claims: Record<string, unknown>;
}

/** What a hub method or lifecycle handler knows about the connection it runs for. */
export interface HubCallContext {
  readonly hub: string;
  readonly connectionId: string;
  readonly userId: string | undefined;
  readonly principal: HubPrincipal | undefined;
  /** Aborted when the client cancels the invocation (streams) or the connection ends. */
  readonly signal: AbortSignal;
  /** Values kept for as long as the connection lives. */
  readonly items: Map<string, unknown>;
  /** Sends to any connection, group or user of this hub. */
  readonly clients: HubClients;
  /** Group membership of this connection. */
  readonly groups: {
    add(group: string): Promise<void>;
    remove(group: string): Promise<void>;
  };
}

interface MethodShape {
  /** How many arguments the client must pass (upload streams not counted). */
  parameters: number;
  /** How many client-to-server streams the method takes; they follow the ordinary arguments, in streamIds order. */
  uploads?: number;
}

/** Answered with one Completion: its return value (undefined is a void result) or its error. */
export interface InvokeMethod extends MethodShape {
  invoke(call: HubCallContext, ...args: unknown[]): unknown;
}

/** Answered with one StreamItem per value it yields, then a Completion. */
export interface StreamMethod extends MethodShape {
  stream(call: HubCallContext, ...args: unknown[]): AsyncIterable<unknown>;
}

export type HubMethod = InvokeMethod | StreamMethod;

export interface HubDefinition {
  name: string;
  /** Methods clients may call, matched by name case-insensitively as ASP.NET Core matches them. */
  methods: Record<string, HubMethod>;
  onConnected?(connection: HubCallContext): Promise<void> | void;
  onDisconnected?(connection: HubCallContext, error: Error | undefined): Promise<void> | void;
}

/**
 * An error whose message is meant for the caller: the Completion carries it (as ASP.NET Core does for a
 * HubException). Any other error reaches the caller as a generic message, and its details only the log.
 */
export class HubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubException';
  }
}

export function isStreamMethod(method: HubMethod): method is StreamMethod {
  return 'stream' in method;
}
