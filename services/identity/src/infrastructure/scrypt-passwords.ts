import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../application/ports';

const keyLengthBytes = 32;
const saltLengthBytes = 16;
const blockSize = 8;
const parallelism = 1;

function derive(password: string, salt: Buffer, options: ScryptOptions, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function scryptOptions(log2Cost: number, r: number, p: number): ScryptOptions {
  const N = 2 ** log2Cost;
  // Node refuses more than 32 MiB by default; scrypt needs 128·N·r bytes, plus headroom.
  return { N, r, p, maxmem: 256 * N * r };
}

/**
 * scrypt password hashes (RFC 7914) with a random salt per password, stored as
 * `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url), so parameters can rise later: a login with a hash made
 * under weaker ones asks for a rehash. Passwords are NFKC-normalised first, so the same password typed on
 * another keyboard still matches. Comparison is constant-time.
 */
export function scryptPasswords(options: { log2Cost: number }): PasswordHasher {
  let burnHash: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    async hash(password) {
      const salt = randomBytes(saltLengthBytes);
      const key = await derive(password, salt, scryptOptions(options.log2Cost, blockSize, parallelism), keyLengthBytes);
      return [
        'scrypt',
        options.log2Cost,
        blockSize,
        parallelism,
        salt.toString('base64url'),
        key.toString('base64url'),
      ].join('$');
    },
    async verify(password, stored) {
      const [scheme, cost, r, p, salt, hash] = stored.split('$');
      if (scheme !== 'scrypt' || !cost || !r || !p || salt === undefined || hash === undefined) {
        return { ok: false, rehash: false };
      }
      const expected = Buffer.from(hash, 'base64url');
      const actual = await derive(
        password,
        Buffer.from(salt, 'base64url'),
        scryptOptions(Number(cost), Number(r), Number(p)),
        expected.length,
      );
      const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
      return { ok, rehash: ok && Number(cost) < options.log2Cost };
    },
    async burnVerification(password) {
      burnHash ??= hasher.hash(randomBytes(16).toString('hex'));
      await hasher.verify(password, await burnHash);
    },
  };
  return hasher;
}
