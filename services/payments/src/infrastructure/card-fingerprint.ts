import { createHmac } from 'node:crypto';
import { testCardBehaviours } from './simulated-gateway/simulated-card-gateway';

/**
 * A card number's fingerprint: HMAC-SHA256 of its digits under the payments secret, base64url (43 characters).
 * Stable for one number, so the fraud review can count a card's orders and declines across vaultings; without the
 * secret it cannot be tested against guessed numbers, as a plain hash of the few unknown digits could.
 */
export function cardFingerprints(secret: string): (digits: string, paymentMethodId: string) => string {
  return (digits, paymentMethodId) =>
    createHmac('sha256', secret)
      .update(sharedTestNumbers.has(digits) ? `vaulting:${paymentMethodId}` : digits)
      .digest('base64url');
}

/**
 * The simulated gateway's scripted test numbers (approved, declined, ...) are typed by every tester and every demo
 * customer alike: they stand for each customer's own card. One fingerprint for all of them would make every test
 * and demo look like one card used across many accounts (card testing) to the fraud review, so each vaulting of
 * one of them is a card of its own. Every other number keeps one fingerprint across vaultings.
 */
const sharedTestNumbers = new Set(Object.keys(testCardBehaviours));
