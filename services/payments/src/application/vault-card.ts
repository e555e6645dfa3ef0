import type { HandlerContext } from '@shop/kit';
import type { CardDetails } from '../domain/card';
import type { PaymentsDeps, TokenizeResult } from './ports';

/**
 * Vaults a card at the gateway for an order about to be placed (the orders service calls this by service
 * invocation). The card goes to the gateway and nowhere else: what comes back is a token, the brand, the last
 * four digits and the expiry, or a problem per bad field.
 */
export function vaultCard(
  _ctx: HandlerContext,
  card: CardDetails,
  deps: Pick<PaymentsDeps, 'gateway'>,
): Promise<TokenizeResult> {
  return deps.gateway.tokenize(card);
}
