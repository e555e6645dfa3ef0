import type { JwtVerifier } from '@shop/kit';
import { type Authenticate, type HubDefinition, UnauthorizedError } from '@shop/signalr';

/**
 * `/hubs/orders`: server to client only. Clients connect with the customer's access token and receive
 * `OrderStatusChanged` for that customer's orders; nothing here is callable.
 */
export const ordersHub: HubDefinition = { name: 'orders', methods: {} };

/** Every request of the orders hub (negotiate and each transport request) needs a valid access token. */
export function customerTokens(verifier: JwtVerifier): Authenticate {
  return async (token) => {
    if (token === undefined) throw new UnauthorizedError('This hub needs an access token');
    try {
      const caller = await verifier.verify(token);
      return { userId: caller.id, claims: { roles: caller.roles, ...(caller.email ? { email: caller.email } : {}) } };
    } catch (error) {
      throw new UnauthorizedError(`Invalid token: ${(error as Error).message}`);
    }
  };
}
