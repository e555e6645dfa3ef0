import { createHmac } from 'node:crypto';

/**
 * A card number's fingerprint: HMAC-SHA256 of its digits under the payments secret, base64url (43 characters).
 * Stable for one number, so the fraud review can count a card's orders and declines across vaultings; without the
 * secret it cannot be tested against guessed numbers, as a plain hash of the few unknown digits could.
 */
export function cardFingerprints(secret: string): (digits: string) => string {
  return (digits) => createHmac('sha256', secret).update(digits).digest('base64url');
}
