import type { FieldError } from '@shop/kit';
import { BodyTooLargeError, type CloseOptions, type PreparedMessage, readRawBody } from '@shop/signalr';
import type { Context } from 'koa';
import { signAccessToken } from './access-key-tokens';
import { idProblem } from './hub-names';
import { readPayload } from './rest-payload';
import { azureProblem, errorCodes, invalid } from './rest-problems';
import { nowSeconds, type RestApiDeps, type RestCall, type RestRoute, type Verb } from './rest-routes';

function answer(ctx: Context, status: number): void {
  ctx.status = status;
  if (status !== 204) ctx.body = '';
}

/** 200, or 404 with the code the Management SDK reads as "no". */
function exists(ctx: Context, found: boolean, code: string, what: string): void {
  if (!found) throw azureProblem(404, code, `${what} does not exist`);
  answer(ctx, 200);
}

async function sendBody(call: RestCall, deps: RestApiDeps): Promise<PreparedMessage> {
  let body: Buffer;
  try {
    body = await readRawBody(call.ctx.req, deps.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw azureProblem(413, errorCodes.tooLarge, `A request body may hold at most ${deps.maxBodyBytes} bytes`, {
        errors: [{ path: 'body', message: `at most ${deps.maxBodyBytes} bytes` }],
      });
    }
    throw error;
  }
  const payload = readPayload(call.ctx.get('content-type'), body, deps.maxMessageBytes);
  if (!payload.ok) throw invalid(payload.errors);
  return payload.message;
}

function excludedOf(call: RestCall): { excluded?: string[] } {
  const excluded = call.query.getAll('excluded');
  return excluded.length > 0 ? { excluded } : {};
}

/** REST closes tell clients why (`reason`) and that they may reconnect, as the Azure emulator does. */
function closeOptionsOf(call: RestCall): CloseOptions {
  const reason = call.query.get('reason');
  return { ...(reason ? { error: reason } : {}), allowReconnect: true };
}

function ttlOf(call: RestCall): number | undefined {
  const text = call.query.get('ttl');
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 365 * 24 * 3600) {
    throw invalid([{ path: 'query.ttl', message: 'ttl must be whole seconds from 0 to 31536000' }]);
  }
  return Number(text);
}

const p = (call: RestCall, name: string) => call.params[name] as string;

/** The route table: each Azure route once per style; the emulator's reversed spellings too. */
export function azureRestRoutes(deps: RestApiDeps): RestRoute[] {
  const send = (
    summary: string,
    path: string,
    status: number,
    deliver: (call: RestCall, message: PreparedMessage) => Promise<void>,
    queryParameters: string[] = [],
  ): RestRoute => ({
    verbs: ['POST'],
    path,
    summary,
    sends: true,
    queryParameters,
    responses: {
      [status]: 'Accepted',
      400: 'A bad hub name or body (the problem names the field)',
      401: 'No valid token',
    },
    async handle(call) {
      const message = await sendBody(call, deps);
      await deliver(call, message);
      answer(call.ctx, status);
    },
  });
  const check = (
    summary: string,
    path: string,
    code: string,
    test: (call: RestCall) => Promise<boolean>,
    what: string,
  ): RestRoute => ({
    verbs: ['HEAD', 'GET'],
    path,
    summary,
    responses: { 200: 'Exists', 404: `Does not exist (x-ms-error-code: ${code})`, 401: 'No valid token' },
    async handle(call) {
      exists(call.ctx, await test(call), code, what);
    },
  });
  const act = (
    verbs: Verb[],
    summary: string,
    path: string,
    status: number,
    run: (call: RestCall) => Promise<void>,
    queryParameters: string[] = [],
    extra: Record<number, string> = {},
  ): RestRoute => ({
    verbs,
    path,
    summary,
    queryParameters,
    responses: { [status]: 'Done', 401: 'No valid token', ...extra },
    async handle(call) {
      await run(call);
      answer(call.ctx, status);
    },
  });

  const sendAll = (call: RestCall, message: PreparedMessage) => call.lifetime.sendAll(message, excludedOf(call));
  const sendUser = (call: RestCall, message: PreparedMessage) => call.lifetime.sendUser(p(call, 'user'), message);
  const sendGroup = (call: RestCall, message: PreparedMessage) =>
    call.lifetime.sendGroup(p(call, 'group'), message, excludedOf(call));
  const sendConnection = (call: RestCall, message: PreparedMessage) =>
    call.lifetime.sendConnection(p(call, 'connectionId'), message);
  const connectionExists = (call: RestCall) => call.lifetime.connectionExists(p(call, 'connectionId'));
  const groupExists = (call: RestCall) => call.lifetime.groupExists(p(call, 'group'));
  const userExists = (call: RestCall) => call.lifetime.userExists(p(call, 'user'));
  const userInGroup = (call: RestCall) => call.lifetime.isUserInGroup(p(call, 'user'), p(call, 'group'));
  const addConnection = async (call: RestCall) => {
    if (!(await call.lifetime.addToGroup(p(call, 'connectionId'), p(call, 'group')))) {
      throw azureProblem(404, errorCodes.connectionNotExistedError, 'The connection does not exist');
    }
  };
  // Answered 200 whether or not the connection was a member: the Management SDK throws on anything else.
  const removeConnection = async (call: RestCall) => {
    await call.lifetime.removeFromGroup(p(call, 'connectionId'), p(call, 'group'));
  };
  const closeConnection = async (call: RestCall) => {
    if (!(await call.lifetime.closeConnection(p(call, 'connectionId'), closeOptionsOf(call)))) {
      throw azureProblem(404, errorCodes.connectionNotExisted, 'The connection does not exist');
    }
  };
  const addUser = (call: RestCall) => call.lifetime.addUserToGroup(p(call, 'user'), p(call, 'group'), ttlOf(call));
  const removeUser = (call: RestCall) => call.lifetime.removeUserFromGroup(p(call, 'user'), p(call, 'group'));
  const removeUserFromAll = (call: RestCall) => call.lifetime.removeUserFromAllGroups(p(call, 'user'));
  const health: RestRoute['handle'] = async (call) => answer(call.ctx, 200);
  const connectionMissing = { 404: `No such connection (x-ms-error-code: ${errorCodes.connectionNotExisted})` };
  const addMissing = { 404: `No such connection (x-ms-error-code: ${errorCodes.connectionNotExistedError})` };

  return [
    // api-version style (2022-06-01 and later).
    {
      verbs: ['HEAD', 'GET'],
      path: 'health',
      summary: 'Health probe (no token)',
      anonymous: true,
      responses: { 200: 'Up' },
      handle: health,
    },
    send('Send to every connection of the hub', 'hubs/{hub}/:send', 202, sendAll, ['excluded', 'application']),
    send('Send to every connection of a user', 'hubs/{hub}/users/{user}/:send', 202, sendUser, ['application']),
    send('Send to every connection in a group', 'hubs/{hub}/groups/{group}/:send', 202, sendGroup, [
      'excluded',
      'application',
    ]),
    send('Send to one connection', 'hubs/{hub}/connections/{connectionId}/:send', 202, sendConnection, ['application']),
    act(
      ['POST'],
      'Close every connection of the hub',
      'hubs/{hub}/:closeConnections',
      204,
      (call) => call.lifetime.closeConnections(excludedOf(call), closeOptionsOf(call)),
      ['excluded', 'reason'],
    ),
    act(
      ['POST'],
      'Close every connection in a group',
      'hubs/{hub}/groups/{group}/:closeConnections',
      204,
      (call) => call.lifetime.closeConnections({ group: p(call, 'group'), ...excludedOf(call) }, closeOptionsOf(call)),
      ['excluded', 'reason'],
    ),
    act(
      ['POST'],
      'Close every connection of a user',
      'hubs/{hub}/users/{user}/:closeConnections',
      204,
      (call) => call.lifetime.closeConnections({ userId: p(call, 'user'), ...excludedOf(call) }, closeOptionsOf(call)),
      ['excluded', 'reason'],
    ),
    {
      verbs: ['POST'],
      path: 'hubs/{hub}/:generateToken',
      summary: 'A client access token for /client/?hub=<hub>',
      queryParameters: ['userId', 'minutesToExpire'],
      responses: { 200: '{"token"}', 400: 'A bad minutesToExpire or userId', 401: 'No valid token' },
      async handle(call) {
        const minutesText = call.query.get('minutesToExpire');
        const minutes = minutesText === null || minutesText === '' ? 60 : Number(minutesText);
        const errors: FieldError[] = [];
        if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
          errors.push({
            path: 'query.minutesToExpire',
            message: 'minutesToExpire must be whole minutes from 1 to 1440',
          });
        }
        const userId = call.query.get('userId');
        const userProblem = userId ? idProblem('userId', userId) : undefined;
        if (userProblem) errors.push({ path: 'query.userId', message: userProblem });
        if (errors.length > 0) throw invalid(errors);
        const now = nowSeconds(deps);
        const token = signAccessToken(
          {
            aud: `${call.ctx.protocol}://${call.ctx.host}/client/?hub=${call.hub}`,
            iat: now,
            nbf: now,
            exp: now + minutes * 60,
            ...(userId ? { nameid: userId } : {}),
          },
          deps.accessKeys[0] as string,
        );
        call.ctx.status = 200;
        call.ctx.body = { token };
      },
    },
    check(
      'Whether the connection exists',
      'hubs/{hub}/connections/{connectionId}',
      errorCodes.connectionNotExisted,
      connectionExists,
      'The connection',
    ),
    act(
      ['DELETE'],
      'Close a connection',
      'hubs/{hub}/connections/{connectionId}',
      200,
      closeConnection,
      ['reason'],
      connectionMissing,
    ),
    act(
      ['DELETE'],
      'Take a connection out of every group',
      'hubs/{hub}/connections/{connectionId}/groups',
      200,
      async (call) => {
        await call.lifetime.removeFromAllGroups(p(call, 'connectionId'));
      },
    ),
    check(
      'Whether any connection is in the group',
      'hubs/{hub}/groups/{group}',
      errorCodes.groupNotExisted,
      groupExists,
      'The group',
    ),
    act(
      ['PUT'],
      'Add a connection to a group',
      'hubs/{hub}/groups/{group}/connections/{connectionId}',
      200,
      addConnection,
      [],
      addMissing,
    ),
    act(
      ['DELETE'],
      'Take a connection out of a group',
      'hubs/{hub}/groups/{group}/connections/{connectionId}',
      200,
      removeConnection,
    ),
    act(
      ['PUT'],
      'Add a connection to a group',
      'hubs/{hub}/connections/{connectionId}/groups/{group}',
      200,
      addConnection,
      [],
      addMissing,
    ),
    act(
      ['DELETE'],
      'Take a connection out of a group',
      'hubs/{hub}/connections/{connectionId}/groups/{group}',
      200,
      removeConnection,
    ),
    check(
      'Whether the user has a connection',
      'hubs/{hub}/users/{user}',
      errorCodes.userNotExisted,
      userExists,
      'The user',
    ),
    act(
      ['PUT'],
      'Add a user (now and later connections) to a group',
      'hubs/{hub}/users/{user}/groups/{group}',
      200,
      addUser,
      ['ttl'],
    ),
    act(['DELETE'], 'Take a user out of a group', 'hubs/{hub}/users/{user}/groups/{group}', 204, removeUser),
    check(
      'Whether the user is in the group',
      'hubs/{hub}/users/{user}/groups/{group}',
      errorCodes.userNotInGroup,
      userInGroup,
      'The membership',
    ),
    act(['DELETE'], 'Take a user out of every group', 'hubs/{hub}/users/{user}/groups', 204, removeUserFromAll),
    act(
      ['PUT'],
      'Add a user (now and later connections) to a group',
      'hubs/{hub}/groups/{group}/users/{user}',
      200,
      addUser,
      ['ttl'],
    ),
    act(['DELETE'], 'Take a user out of a group', 'hubs/{hub}/groups/{group}/users/{user}', 204, removeUser),
    check(
      'Whether the user is in the group',
      'hubs/{hub}/groups/{group}/users/{user}',
      errorCodes.userNotInGroup,
      userInGroup,
      'The membership',
    ),

    // v1 style.
    {
      verbs: ['HEAD', 'GET'],
      path: 'v1/health',
      summary: 'Health probe (no token)',
      anonymous: true,
      responses: { 200: 'Up' },
      handle: health,
    },
    send('Send to every connection of the hub', 'v1/hubs/{hub}', 202, sendAll, ['excluded']),
    send('Send to every connection of a user', 'v1/hubs/{hub}/users/{user}', 202, sendUser),
    send('Send to one connection', 'v1/hubs/{hub}/connections/{connectionId}', 202, sendConnection),
    send('Send to every connection in a group', 'v1/hubs/{hub}/groups/{group}', 202, sendGroup, ['excluded']),
    check(
      'Whether the connection exists',
      'v1/hubs/{hub}/connections/{connectionId}',
      errorCodes.connectionNotExisted,
      connectionExists,
      'The connection',
    ),
    act(
      ['DELETE'],
      'Close a connection',
      'v1/hubs/{hub}/connections/{connectionId}',
      202,
      closeConnection,
      ['reason'],
      connectionMissing,
    ),
    check(
      'Whether any connection is in the group',
      'v1/hubs/{hub}/groups/{group}',
      errorCodes.groupNotExisted,
      groupExists,
      'The group',
    ),
    check(
      'Whether the user has a connection',
      'v1/hubs/{hub}/users/{user}',
      errorCodes.userNotExisted,
      userExists,
      'The user',
    ),
    act(
      ['PUT'],
      'Add a connection to a group',
      'v1/hubs/{hub}/groups/{group}/connections/{connectionId}',
      200,
      addConnection,
      [],
      addMissing,
    ),
    act(
      ['DELETE'],
      'Take a connection out of a group',
      'v1/hubs/{hub}/groups/{group}/connections/{connectionId}',
      200,
      removeConnection,
    ),
    act(
      ['PUT'],
      'Add a connection to a group',
      'v1/hubs/{hub}/connections/{connectionId}/groups/{group}',
      200,
      addConnection,
      [],
      addMissing,
    ),
    act(
      ['DELETE'],
      'Take a connection out of a group',
      'v1/hubs/{hub}/connections/{connectionId}/groups/{group}',
      200,
      removeConnection,
    ),
    check(
      'Whether the user is in the group',
      'v1/hubs/{hub}/groups/{group}/users/{user}',
      errorCodes.userNotInGroup,
      userInGroup,
      'The membership',
    ),
    act(
      ['PUT'],
      'Add a user (now and later connections) to a group',
      'v1/hubs/{hub}/groups/{group}/users/{user}',
      202,
      addUser,
      ['ttl'],
    ),
    act(['DELETE'], 'Take a user out of a group', 'v1/hubs/{hub}/groups/{group}/users/{user}', 202, removeUser),
    check(
      'Whether the user is in the group',
      'v1/hubs/{hub}/users/{user}/groups/{group}',
      errorCodes.userNotInGroup,
      userInGroup,
      'The membership',
    ),
    act(
      ['PUT'],
      'Add a user (now and later connections) to a group',
      'v1/hubs/{hub}/users/{user}/groups/{group}',
      202,
      addUser,
      ['ttl'],
    ),
    act(['DELETE'], 'Take a user out of a group', 'v1/hubs/{hub}/users/{user}/groups/{group}', 202, removeUser),
    act(['DELETE'], 'Take a user out of every group', 'v1/hubs/{hub}/users/{user}/groups', 202, removeUserFromAll),
  ];
}
