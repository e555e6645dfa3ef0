import type { FieldError } from '@shop/kit';
import { BodyTooLargeError, type CloseOptions, type PreparedMessage, readRawBody } from '@shop/signalr';
import { signAccessToken } from './access-key-tokens';
import { idProblem } from './hub-names';
import { readPayload } from './rest-payload';
import { azureProblem, errorCodes, invalid } from './rest-problems';
import { nowSeconds, type RestCall, type RestHandler } from './rest-routes';

// What each REST route does, one handler per route; the table (rest-route-table.ts) says where and how it answers.

export const health: RestHandler = async () => {};

export const sendToAll: RestHandler = async (call) => {
  await call.lifetime.sendAll(await sendBody(call), excludedOf(call));
};

export const sendToUser: RestHandler = async (call) => {
  await call.lifetime.sendUser(param(call, 'user'), await sendBody(call));
};

export const sendToGroup: RestHandler = async (call) => {
  await call.lifetime.sendGroup(param(call, 'group'), await sendBody(call), excludedOf(call));
};

export const sendToConnection: RestHandler = async (call) => {
  await call.lifetime.sendConnection(param(call, 'connectionId'), await sendBody(call));
};

export const closeHub: RestHandler = async (call) => {
  await call.lifetime.closeConnections(excludedOf(call), closeOptionsOf(call));
};

export const closeGroup: RestHandler = async (call) => {
  await call.lifetime.closeConnections({ group: param(call, 'group'), ...excludedOf(call) }, closeOptionsOf(call));
};

export const closeUser: RestHandler = async (call) => {
  await call.lifetime.closeConnections({ userId: param(call, 'user'), ...excludedOf(call) }, closeOptionsOf(call));
};

export const closeConnection: RestHandler = async (call) => {
  if (!(await call.lifetime.closeConnection(param(call, 'connectionId'), closeOptionsOf(call)))) {
    throw azureProblem(404, errorCodes.connectionNotExisted, 'The connection does not exist');
  }
};

export const connectionExists: RestHandler = async (call) =>
  exists(
    await call.lifetime.connectionExists(param(call, 'connectionId')),
    errorCodes.connectionNotExisted,
    'The connection',
  );

export const groupExists: RestHandler = async (call) =>
  exists(await call.lifetime.groupExists(param(call, 'group')), errorCodes.groupNotExisted, 'The group');

export const userExists: RestHandler = async (call) =>
  exists(await call.lifetime.userExists(param(call, 'user')), errorCodes.userNotExisted, 'The user');

export const userInGroup: RestHandler = async (call) =>
  exists(
    await call.lifetime.isUserInGroup(param(call, 'user'), param(call, 'group')),
    errorCodes.userNotInGroup,
    'The membership',
  );

export const addConnectionToGroup: RestHandler = async (call) => {
  if (!(await call.lifetime.addToGroup(param(call, 'connectionId'), param(call, 'group')))) {
    throw azureProblem(404, errorCodes.connectionNotExistedError, 'The connection does not exist');
  }
};

// Answered 200 whether or not the connection was a member: the Management SDK throws on anything else.
export const removeConnectionFromGroup: RestHandler = async (call) => {
  await call.lifetime.removeFromGroup(param(call, 'connectionId'), param(call, 'group'));
};

export const removeConnectionFromAllGroups: RestHandler = async (call) => {
  await call.lifetime.removeFromAllGroups(param(call, 'connectionId'));
};

export const addUserToGroup: RestHandler = async (call) => {
  await call.lifetime.addUserToGroup(param(call, 'user'), param(call, 'group'), ttlOf(call));
};

export const removeUserFromGroup: RestHandler = async (call) => {
  await call.lifetime.removeUserFromGroup(param(call, 'user'), param(call, 'group'));
};

export const removeUserFromAllGroups: RestHandler = async (call) => {
  await call.lifetime.removeUserFromAllGroups(param(call, 'user'));
};

/** A client access token for `/client/?hub=<hub>`, signed with the first access key. */
export const generateToken: RestHandler = async (call) => {
  const minutesText = call.query.get('minutesToExpire');
  const minutes = minutesText === null || minutesText === '' ? 60 : Number(minutesText);
  const errors: FieldError[] = [];
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    errors.push({ path: 'query.minutesToExpire', message: 'minutesToExpire must be whole minutes from 1 to 1440' });
  }
  const userId = call.query.get('userId');
  const userProblem = userId ? idProblem('userId', userId) : undefined;
  if (userProblem) errors.push({ path: 'query.userId', message: userProblem });
  if (errors.length > 0) throw invalid(errors);
  const now = nowSeconds(call.deps);
  const token = signAccessToken(
    {
      aud: `${call.ctx.protocol}://${call.ctx.host}/client/?hub=${call.hub}`,
      iat: now,
      nbf: now,
      exp: now + minutes * 60,
      ...(userId ? { nameid: userId } : {}),
    },
    call.deps.accessKeys[0] as string,
  );
  call.ctx.body = { token };
};

function param(call: RestCall, name: 'user' | 'group' | 'connectionId'): string {
  return call.params[name] as string;
}

/** Nothing to answer when found; a 404 with the code the Management SDK reads as "no" otherwise. */
function exists(found: boolean, code: string, what: string): void {
  if (!found) throw azureProblem(404, code, `${what} does not exist`);
}

async function sendBody(call: RestCall): Promise<PreparedMessage> {
  const { maxBodyBytes, maxMessageBytes } = call.deps;
  let body: Buffer;
  try {
    body = await readRawBody(call.ctx.req, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw azureProblem(413, errorCodes.tooLarge, `A request body may hold at most ${maxBodyBytes} bytes`, {
        errors: [{ path: 'body', message: `at most ${maxBodyBytes} bytes` }],
      });
    }
    throw error;
  }
  const payload = readPayload(call.ctx.get('content-type'), body, maxMessageBytes);
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
