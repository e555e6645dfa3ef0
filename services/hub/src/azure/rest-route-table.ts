import * as handlers from './rest-handlers';
import { errorCodes } from './rest-problems';
import type { RestRoute } from './rest-routes';

const badSend = 'A bad hub name or body (the problem names the field)';
const missing = (code: string) => ({ 404: `Does not exist (x-ms-error-code: ${code})` });
const noConnection = (code: string) => ({ 404: `No such connection (x-ms-error-code: ${code})` });

/**
 * The Azure SignalR data-plane REST API as data: each route once, with every path that reaches it (its own, in
 * the `api-version` style of 2022-06-01 and later; the emulator's reversed spelling; the `v1/` style), what it
 * does and how it answers. rest-api.ts serves it and rest-openapi.ts documents it.
 */
export const azureRestRoutes: readonly RestRoute[] = [
  {
    summary: 'Health probe (no token)',
    verbs: ['HEAD', 'GET'],
    paths: ['health', 'v1/health'],
    status: 200,
    success: 'Up',
    anonymous: true,
    handle: handlers.health,
  },
  {
    summary: 'Send to every connection of the hub',
    verbs: ['POST'],
    paths: ['hubs/{hub}/:send', 'v1/hubs/{hub}'],
    status: 202,
    success: 'Accepted',
    sends: true,
    queryParameters: ['excluded', 'application'],
    refusals: { 400: badSend },
    handle: handlers.sendToAll,
  },
  {
    summary: 'Send to every connection of a user',
    verbs: ['POST'],
    paths: ['hubs/{hub}/users/{user}/:send', 'v1/hubs/{hub}/users/{user}'],
    status: 202,
    success: 'Accepted',
    sends: true,
    queryParameters: ['application'],
    refusals: { 400: badSend },
    handle: handlers.sendToUser,
  },
  {
    summary: 'Send to every connection in a group',
    verbs: ['POST'],
    paths: ['hubs/{hub}/groups/{group}/:send', 'v1/hubs/{hub}/groups/{group}'],
    status: 202,
    success: 'Accepted',
    sends: true,
    queryParameters: ['excluded', 'application'],
    refusals: { 400: badSend },
    handle: handlers.sendToGroup,
  },
  {
    summary: 'Send to one connection',
    verbs: ['POST'],
    paths: ['hubs/{hub}/connections/{connectionId}/:send', 'v1/hubs/{hub}/connections/{connectionId}'],
    status: 202,
    success: 'Accepted',
    sends: true,
    queryParameters: ['application'],
    refusals: { 400: badSend },
    handle: handlers.sendToConnection,
  },
  {
    summary: 'Close every connection of the hub',
    verbs: ['POST'],
    paths: ['hubs/{hub}/:closeConnections'],
    status: 204,
    success: 'Done',
    queryParameters: ['excluded', 'reason'],
    handle: handlers.closeHub,
  },
  {
    summary: 'Close every connection in a group',
    verbs: ['POST'],
    paths: ['hubs/{hub}/groups/{group}/:closeConnections'],
    status: 204,
    success: 'Done',
    queryParameters: ['excluded', 'reason'],
    handle: handlers.closeGroup,
  },
  {
    summary: 'Close every connection of a user',
    verbs: ['POST'],
    paths: ['hubs/{hub}/users/{user}/:closeConnections'],
    status: 204,
    success: 'Done',
    queryParameters: ['excluded', 'reason'],
    handle: handlers.closeUser,
  },
  {
    summary: 'A client access token for /client/?hub=<hub>',
    verbs: ['POST'],
    paths: ['hubs/{hub}/:generateToken'],
    status: 200,
    success: '{"token"}',
    queryParameters: ['userId', 'minutesToExpire'],
    refusals: { 400: 'A bad minutesToExpire or userId' },
    handle: handlers.generateToken,
  },
  {
    summary: 'Whether the connection exists',
    verbs: ['HEAD', 'GET'],
    paths: ['hubs/{hub}/connections/{connectionId}', 'v1/hubs/{hub}/connections/{connectionId}'],
    status: 200,
    success: 'Exists',
    refusals: missing(errorCodes.connectionNotExisted),
    handle: handlers.connectionExists,
  },
  {
    summary: 'Close a connection',
    verbs: ['DELETE'],
    paths: ['hubs/{hub}/connections/{connectionId}', 'v1/hubs/{hub}/connections/{connectionId}'],
    status: 200,
    v1Status: 202,
    success: 'Done',
    queryParameters: ['reason'],
    refusals: noConnection(errorCodes.connectionNotExisted),
    handle: handlers.closeConnection,
  },
  {
    summary: 'Take a connection out of every group',
    verbs: ['DELETE'],
    paths: ['hubs/{hub}/connections/{connectionId}/groups'],
    status: 200,
    success: 'Done',
    handle: handlers.removeConnectionFromAllGroups,
  },
  {
    summary: 'Whether any connection is in the group',
    verbs: ['HEAD', 'GET'],
    paths: ['hubs/{hub}/groups/{group}', 'v1/hubs/{hub}/groups/{group}'],
    status: 200,
    success: 'Exists',
    refusals: missing(errorCodes.groupNotExisted),
    handle: handlers.groupExists,
  },
  {
    summary: 'Add a connection to a group',
    verbs: ['PUT'],
    paths: connectionInGroupPaths(),
    status: 200,
    success: 'Done',
    refusals: noConnection(errorCodes.connectionNotExistedError),
    handle: handlers.addConnectionToGroup,
  },
  {
    summary: 'Take a connection out of a group',
    verbs: ['DELETE'],
    paths: connectionInGroupPaths(),
    status: 200,
    success: 'Done',
    handle: handlers.removeConnectionFromGroup,
  },
  {
    summary: 'Whether the user has a connection',
    verbs: ['HEAD', 'GET'],
    paths: ['hubs/{hub}/users/{user}', 'v1/hubs/{hub}/users/{user}'],
    status: 200,
    success: 'Exists',
    refusals: missing(errorCodes.userNotExisted),
    handle: handlers.userExists,
  },
  {
    summary: 'Add a user (now and later connections) to a group',
    verbs: ['PUT'],
    paths: userInGroupPaths(),
    status: 200,
    v1Status: 202,
    success: 'Done',
    queryParameters: ['ttl'],
    handle: handlers.addUserToGroup,
  },
  {
    summary: 'Take a user out of a group',
    verbs: ['DELETE'],
    paths: userInGroupPaths(),
    status: 204,
    v1Status: 202,
    success: 'Done',
    handle: handlers.removeUserFromGroup,
  },
  {
    summary: 'Whether the user is in the group',
    verbs: ['HEAD', 'GET'],
    paths: userInGroupPaths(),
    status: 200,
    success: 'Exists',
    refusals: missing(errorCodes.userNotInGroup),
    handle: handlers.userInGroup,
  },
  {
    summary: 'Take a user out of every group',
    verbs: ['DELETE'],
    paths: ['hubs/{hub}/users/{user}/groups', 'v1/hubs/{hub}/users/{user}/groups'],
    status: 204,
    v1Status: 202,
    success: 'Done',
    handle: handlers.removeUserFromAllGroups,
  },
];

/** A connection's membership of a group: both spellings, both styles. */
function connectionInGroupPaths(): string[] {
  return withV1([
    'hubs/{hub}/groups/{group}/connections/{connectionId}',
    'hubs/{hub}/connections/{connectionId}/groups/{group}',
  ]);
}

/** A user's membership of a group: both spellings, both styles. */
function userInGroupPaths(): string[] {
  return withV1(['hubs/{hub}/users/{user}/groups/{group}', 'hubs/{hub}/groups/{group}/users/{user}']);
}

function withV1(paths: string[]): string[] {
  return [...paths, ...paths.map((path) => `v1/${path}`)];
}
