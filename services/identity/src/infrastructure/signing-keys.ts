import { createHash, createPrivateKey, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import type { Clock } from '../application/ports';
import { SigningKeyEntity, type SigningKeyRow } from './entities';
import { keySealer } from './key-encryption';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

export interface SigningKeyRingOptions {
  dataSource: DataSource;
  clock: Clock;
  /** Seals private keys at rest (JWT_KEYS_SECRET). */
  encryptionSecret?: string;
  /** A key older than this is replaced by a new one (automatic rotation). */
  rotationIntervalSeconds: number;
  /** The longest an access token lives: a replaced key stays published until its tokens have expired. */
  accessTokenTtlSeconds: number;
  /** How often a replica reads the keys again (another replica may have rotated). */
  refreshIntervalMs?: number;
}

/** Allowed difference between clocks of the issuer and the verifiers. */
const clockSkewSeconds = 60;

/**
 * The RS256 signing keys, kept in the identity database so every replica signs with the same key and a
 * restart keeps tokens valid. The newest key signs; an older key stays in the JWKS until every token it
 * signed has expired (its successor's age passes token lifetime + this ring's refresh interval + clock skew),
 * and is deleted after that. Rotation is a plain insert, so replicas rotating at once only add a key.
 */
export class SigningKeyRing {
  private readonly sealer;
  private readonly refreshIntervalMs: number;
  private cache: { rows: SigningKeyRow[]; readAtMs: number; signer?: { kid: string; key: KeyObject } } | undefined;

  constructor(private readonly options: SigningKeyRingOptions) {
    this.sealer = keySealer(options.encryptionSecret);
    this.refreshIntervalMs = options.refreshIntervalMs ?? 30_000;
  }

  /** Creates the first key when there is none; checks that the stored keys open with the configured secret. */
  async ensureKey(): Promise<void> {
    const rows = await this.read();
    if (rows.length === 0) await this.rotate();
    else await this.signingKey();
  }

  /** The key new tokens are signed with. */
  async signingKey(): Promise<{ kid: string; key: KeyObject }> {
    const cache = await this.fresh();
    if (cache.signer) return cache.signer;
    const newest = cache.rows[0];
    if (!newest) throw new Error('no signing key: ensureKey() was not called');
    cache.signer = { kid: newest.kid, key: createPrivateKey(this.sealer.open(newest.privateKey)) };
    return cache.signer;
  }

  /** The public keys verifiers may meet in a live token. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const rows = await this.fresh().then((cache) => cache.rows);
    return { keys: this.published(rows).map((row) => JSON.parse(row.publicJwk) as PublicJwk) };
  }

  /** Adds a new signing key; the previous ones keep verifying until their tokens expire. Answers the new kid. */
  async rotate(): Promise<string> {
    const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const kid = thumbprint(jwk);
    const row: SigningKeyRow = {
      kid,
      publicJwk: JSON.stringify({ kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' }),
      privateKey: this.sealer.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      createdAt: this.options.clock.now(),
    };
    await this.options.dataSource.getRepository(SigningKeyEntity).insert(row);
    this.cache = undefined;
    return kid;
  }

  /** Rotates when the newest key has reached the rotation interval, and deletes keys no token can carry any more. */
  async maintain(): Promise<void> {
    const rows = await this.read();
    const newest = rows[0];
    const nowMs = this.options.clock.now().getTime();
    if (!newest || nowMs - newest.createdAt.getTime() >= this.options.rotationIntervalSeconds * 1000) {
      await this.rotate();
      return;
    }
    const published = new Set(this.published(rows).map((row) => row.kid));
    const expired = rows.filter((row) => !published.has(row.kid)).map((row) => row.kid);
    if (expired.length > 0) await this.options.dataSource.getRepository(SigningKeyEntity).delete(expired);
  }

  private published(rows: SigningKeyRow[]): SigningKeyRow[] {
    const nowMs = this.options.clock.now().getTime();
    const graceMs = (this.options.accessTokenTtlSeconds + clockSkewSeconds) * 1000 + this.refreshIntervalMs;
    // rows are newest first: a key is published while its successor is younger than the grace period.
    return rows.filter((_row, index) => {
      const successor = rows[index - 1];
      return !successor || nowMs - successor.createdAt.getTime() < graceMs;
    });
  }

  private async fresh() {
    const nowMs = Date.now();
    if (!this.cache || nowMs - this.cache.readAtMs >= this.refreshIntervalMs) {
      this.cache = { rows: await this.read(), readAtMs: nowMs };
    }
    return this.cache;
  }

  private read(): Promise<SigningKeyRow[]> {
    return this.options.dataSource.getRepository(SigningKeyEntity).find({ order: { createdAt: 'DESC', kid: 'ASC' } });
  }
}

/** RFC 7638 JWK thumbprint: the key id is derived from the key itself. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}
