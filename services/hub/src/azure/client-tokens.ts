import { type Authenticate, UnauthorizedError } from '@shop/signalr';
import {
  type AccessKeyClaims,
  AccessTokenError,
  audienceMatchesClientHub,
  userIdOf,
  verifyAccessToken,
} from './access-key-tokens';

/**
 * How `/client/?hub=<hub>` authenticates: an access-key token whose audience is the client URL of this hub (the
 * Azure SDK's, Dapr's `clientNegotiate`'s and `:generateToken`'s tokens all are), on every request. The user is the
 * token's `asrs.s.uid`, `nameid` or `sub`.
 */
export function accessKeyClients(keys: readonly string[], hub: string, now: () => number = Date.now): Authenticate {
  return async (token) => {
    if (token === undefined) throw new UnauthorizedError('The client endpoint needs an access token for the hub');
    let claims: AccessKeyClaims;
    try {
      claims = verifyAccessToken(token, keys, Math.floor(now() / 1000));
    } catch (error) {
      if (error instanceof AccessTokenError) throw new UnauthorizedError(error.message);
      throw error;
    }
    if (!audienceMatchesClientHub(claims, hub)) throw new UnauthorizedError('The audience is invalid');
    const userId = userIdOf(claims);
    return { ...(userId !== undefined ? { userId } : {}), claims };
  };
}
