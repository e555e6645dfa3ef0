import { createPublicKey, type KeyObject } from 'node:crypto';

export interface JwksKeySetOptions {
  /** Where the JWKS is; a function is read at the first use (the embedded topology serves it on its own port). */
  uri: string | (() => string);
  /** The set is read again this often in the background, so removed keys go and rotated ones arrive. */
  refreshIntervalMs?: number;
  /**
   * A `kid` the set does not hold makes the set be read again, at most once in this interval. Anyone can send a
   * token with a made-up `kid`, so this, not the callers, decides how often the JWKS is fetched; it is also the
   * longest a token signed with a freshly rotated key can be refused.
   */
  unknownKidRefetchIntervalMs?: number;
  /** How long a `kid` found missing from a set fetched after it was first seen is refused without a fetch. */
  unknownKidMemoryMs?: number;
  fetchTimeoutMs?: number;
  now?: () => number;
}

export const defaultJwksRefreshIntervalMs = 60_000;
export const defaultUnknownKidRefetchIntervalMs = 5_000;
// Short: with several identity replicas, one may still serve the set from before a rotation another just made.
const defaultUnknownKidMemoryMs = 30_000;
// Bounds the memory of unknown kids an attacker can make us keep; the oldest are forgotten first.
const maxRememberedUnknownKids = 10_000;

interface Fetched {
  startedAt: number;
  keys: Map<string, KeyObject>;
}

/**
 * The identity service's public signing keys, fetched and kept by this process. Replaces jwks-rsa, whose one
 * rate limiter for unknown kids could be used up by anonymous requests, after which a token signed with a
 * freshly rotated key was refused until the limiter refilled. Here an unknown kid costs at most one fetch per
 * `unknownKidRefetchIntervalMs` however many arrive, a kid found missing is refused at once for a while, and the
 * set is also refreshed on a schedule; so a rotated key is accepted within that interval even under a spray of
 * made-up kids.
 */
export class JwksKeySet {
  private readonly refreshIntervalMs: number;
  private readonly unknownKidRefetchIntervalMs: number;
  private readonly unknownKidMemoryMs: number;
  private readonly fetchTimeoutMs: number;
  private readonly now: () => number;
  private keys = new Map<string, KeyObject>();
  private loaded = false;
  private lastUnknownKidFetchAt = Number.NEGATIVE_INFINITY;
  private lastFailedFetchAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<Fetched> | undefined;
  private readonly unknownKids = new Map<string, number>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: JwksKeySetOptions) {
    this.refreshIntervalMs = options.refreshIntervalMs ?? defaultJwksRefreshIntervalMs;
    this.unknownKidRefetchIntervalMs = options.unknownKidRefetchIntervalMs ?? defaultUnknownKidRefetchIntervalMs;
    this.unknownKidMemoryMs = options.unknownKidMemoryMs ?? defaultUnknownKidMemoryMs;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** The public key of `kid`, or undefined when the identity service does not publish it. */
  async key(kid: string): Promise<KeyObject | undefined> {
    this.startRefreshing();
    const known = this.keys.get(kid);
    if (known) return known;
    const seenAt = this.now();
    const missingSince = this.unknownKids.get(kid);
    if (missingSince !== undefined && seenAt - missingSince < this.unknownKidMemoryMs) return undefined;

    let fetched: Fetched | undefined;
    if (this.inFlight) fetched = await this.inFlight.catch(() => undefined);
    else if (this.mayFetchFor(seenAt)) {
      // The first load and the scheduled reads are not on the unknown-kid budget; a failed one is.
      if (this.loaded) this.lastUnknownKidFetchAt = seenAt;
      fetched = await this.refresh().catch(() => undefined);
    }
    const found = this.keys.get(kid);
    if (found) return found;
    // Only a set read after this kid turned up proves it unknown; an earlier one may predate a rotation.
    if (fetched && fetched.startedAt >= seenAt) this.rememberUnknown(kid, seenAt);
    return undefined;
  }

  private mayFetchFor(seenAt: number): boolean {
    const last = this.loaded ? this.lastUnknownKidFetchAt : this.lastFailedFetchAt;
    return seenAt - last >= this.unknownKidRefetchIntervalMs;
  }

  /** Stops the scheduled refresh. */
  close(): void {
    this.closed = true;
    clearInterval(this.refreshTimer);
  }

  private startRefreshing(): void {
    if (this.refreshTimer || this.closed) return;
    this.refreshTimer = setInterval(() => {
      if (!this.inFlight) this.refresh().catch(() => undefined); // the last good set stays until a read succeeds
    }, this.refreshIntervalMs);
    this.refreshTimer.unref();
  }

  private refresh(): Promise<Fetched> {
    const startedAt = this.now();
    const fetching = this.fetchKeys().then(
      (keys) => {
        this.keys = keys;
        this.loaded = true;
        for (const kid of keys.keys()) this.unknownKids.delete(kid);
        return { startedAt, keys };
      },
      (error: unknown) => {
        this.lastFailedFetchAt = startedAt;
        throw error;
      },
    );
    this.inFlight = fetching;
    const clear = () => {
      if (this.inFlight === fetching) this.inFlight = undefined;
    };
    fetching.then(clear, clear);
    return fetching;
  }

  private async fetchKeys(): Promise<Map<string, KeyObject>> {
    const uri = typeof this.options.uri === 'function' ? this.options.uri() : this.options.uri;
    const res = await fetch(uri, { signal: AbortSignal.timeout(this.fetchTimeoutMs) });
    if (res.status !== 200) throw new Error(`JWKS ${uri} answered ${res.status}`);
    const body = (await res.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error(`JWKS ${uri} has no keys array`);
    const keys = new Map<string, KeyObject>();
    for (const jwk of body.keys as Array<Record<string, unknown>>) {
      if (typeof jwk?.kid !== 'string' || jwk.kty !== 'RSA') continue;
      if ((jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && jwk.alg !== 'RS256')) continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }));
      } catch {
        // A key this process cannot read verifies nothing; the others still do.
      }
    }
    return keys;
  }

  private rememberUnknown(kid: string, at: number): void {
    this.unknownKids.delete(kid);
    this.unknownKids.set(kid, at);
    if (this.unknownKids.size > maxRememberedUnknownKids) {
      const oldest = this.unknownKids.keys().next().value;
      if (oldest !== undefined) this.unknownKids.delete(oldest);
    }
  }
}
