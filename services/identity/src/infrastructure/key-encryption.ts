import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

const prefix = 'aes-256-gcm:';

/**
 * Seals private keys at rest with AES-256-GCM under a key derived from JWT_KEYS_SECRET, so a copy of the
 * database alone cannot mint tokens. Without a secret (development) keys are stored as plain PEM.
 */
export function keySealer(secret: string | undefined) {
  const key = secret ? scryptSync(secret, 'shop-identity/signing-keys', 32) : undefined;
  return {
    seal(pem: string): string {
      if (!key) return pem;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
      return `${prefix}${[iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.')}`;
    },
    open(stored: string): string {
      if (!stored.startsWith(prefix)) return stored;
      if (!key)
        throw new Error('the signing keys are encrypted: set JWT_KEYS_SECRET to the secret they were sealed with');
      const [iv, tag, sealed] = stored
        .slice(prefix.length)
        .split('.')
        .map((part) => Buffer.from(part, 'base64url'));
      if (!iv || !tag || !sealed) throw new Error('a stored signing key is damaged');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(
          'a stored signing key does not open with JWT_KEYS_SECRET: is it the secret the keys were sealed with?',
        );
      }
    },
  };
}
