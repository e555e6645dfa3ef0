import type { HandlerContext } from '@shop/kit';
import { type CardDetails, cardDigits, issuingCountryOf } from '../domain/card';
import type { PaymentsDeps, TokenizeResult } from './ports';

export type VaultResult =
  | (Extract<TokenizeResult, { ok: true }> & { fingerprint: string; country?: string })
  | Extract<TokenizeResult, { ok: false }>;

/**
 * Vaults a card at the gateway for an order about to be placed (the orders service calls this by service
 * invocation). The card goes to the gateway and nowhere else: what comes back is a token, the brand, the last
 * four digits and the expiry, or a problem per bad field. For the fraud review it also tells the card's
 * fingerprint (the same for every vaulting of one number, a keyed hash that cannot be reversed without the
 * payments secret) and its issuing country where known. Neither is stored here.
 */
export async function vaultCard(
  _ctx: HandlerContext,
  card: CardDetails,
  deps: Pick<PaymentsDeps, 'gateway' | 'cardFingerprint'>,
): Promise<VaultResult> {
  const result = await deps.gateway.tokenize(card);
  if (!result.ok) return result;
  const digits = cardDigits(card.cardNumber);
  const country = issuingCountryOf(digits);
  return {
    ...result,
    fingerprint: deps.cardFingerprint(digits, result.card.paymentMethodId),
    ...(country ? { country } : {}),
  };
}
