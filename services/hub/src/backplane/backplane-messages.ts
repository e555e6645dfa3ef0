import { decode, encode } from '@msgpack/msgpack';

/** Whom a send addresses on the other replicas. */
export type SendScope = 'all' | 'connections' | 'groups' | 'users';

/** A hub send: the invocation already serialised in each hub protocol, so no replica serialises it again. */
export interface SendMessage {
  kind: 'send';
  origin: string;
  hub: string;
  scope: SendScope;
  /** Connection ids, group names or user ids, per scope. */
  targets?: string[];
  excluded?: string[];
  records: Record<string, Uint8Array>;
}

/** A question about, or a change to, a connection, group or user that lives on some replica; every replica answers. */
export interface AskMessage {
  kind: 'ask';
  origin: string;
  id: string;
  hub: string;
  op: AskOperation;
  args: Array<string | boolean | null>;
}

export type AskOperation =
  | 'connectionExists'
  | 'userExists'
  | 'groupExists'
  | 'addToGroup'
  | 'removeFromGroup'
  | 'removeFromAllGroups'
  | 'closeConnection';

/** A change every replica applies to its own connections; nothing is answered. */
export interface TellMessage {
  kind: 'tell';
  origin: string;
  hub: string;
  op: 'closeConnections' | 'joinUser' | 'leaveUser';
  args: Array<string | string[] | boolean | null>;
}

export interface ReplyMessage {
  kind: 'reply';
  origin: string;
  id: string;
  value: boolean;
}

/** An event one replica received (Dapr hands each to one replica of the app) for every replica to apply. */
export interface EventMessage {
  kind: 'event';
  origin: string;
  feed: string;
  data: unknown;
}

export type BackplaneMessage = SendMessage | AskMessage | TellMessage | ReplyMessage | EventMessage;

const kinds = new Set(['send', 'ask', 'tell', 'reply', 'event']);

export function encodeMessage(message: BackplaneMessage): Uint8Array {
  return encode(message, { ignoreUndefined: true });
}

/** The message, or undefined for bytes that are not one (another program on the same channel). */
export function decodeMessage(bytes: Uint8Array): BackplaneMessage | undefined {
  let value: unknown;
  try {
    value = decode(bytes);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as { kind?: unknown; origin?: unknown };
  if (typeof message.kind !== 'string' || !kinds.has(message.kind) || typeof message.origin !== 'string') {
    return undefined;
  }
  return value as BackplaneMessage;
}
