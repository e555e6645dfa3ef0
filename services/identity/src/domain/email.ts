/** Emails are compared and stored in one form: trimmed and lowercased (the domain part is case-insensitive, and
 * treating the local part so too is what every large provider does). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The address a deleted account keeps, unique per account and undeliverable by construction (RFC 2606 .invalid). */
export function anonymisedEmail(customerId: string): string {
  return `deleted-${customerId}@deleted.invalid`;
}
