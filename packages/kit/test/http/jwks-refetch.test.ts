import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  audience,
  type FixtureIdentity,
  issuer,
  lookUpSession,
  newSigningKey,
  type SigningKey,
  serveJwks,
  signToken,
} from '@shop/testkit/src/jwt-fixture';
import { createJwtVerifier, InvalidTokenError, type JwtVerifier } from '../../src/http/auth';
import { SessionCheck } from '../../src/http/session-check';

// Short intervals, real time: the bounds below are these intervals, whatever the traffic.
const unknownKidRefetchIntervalMs = 1_000;

let published: SigningKey[];
let identity: FixtureIdentity;
const verifiers: JwtVerifier[] = [];

beforeEach(async () => {
  published = [newSigningKey('key-1')];
  identity = await serveJwks(published);
});
afterEach(async () => {
  for (const verifier of verifiers.splice(0)) verifier.close();
  await identity.close();
});

function verifierOf(options: { jwksRefreshIntervalMs?: number } = {}): JwtVerifier {
  const verifier = createJwtVerifier({
    jwksUri: `${identity.url}/jwks`,
    issuer,
    audience,
    sessions: new SessionCheck({ lookup: lookUpSession }),
    unknownKidRefetchIntervalMs,
    ...options,
  });
  verifiers.push(verifier);
  return verifier;
}

/** A token under a random kid that no JWKS holds, as an anonymous caller can make any number of. */
const sprayKey = newSigningKey('spray');
const sprayToken = () => signToken(sprayKey, {}, { keyid: `spray-${randomUUID()}` });

async function outcome(verifier: JwtVerifier, token: string): Promise<'accepted' | string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.message;
    throw error;
  }
}

describe('the JWKS a verifier keeps', () => {
  it('costs at most one fetch per interval however many unknown kids arrive', async () => {
    const verifier = verifierOf();
    expect(await outcome(verifier, signToken(published[0] as SigningKey))).toBe('accepted');
    const before = identity.requests;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 200 }, () => outcome(verifier, sprayToken())));
    expect(new Set(answers)).toEqual(new Set(['unknown signing key']));
    const windows = Math.floor((Date.now() - started) / unknownKidRefetchIntervalMs) + 1;
    expect(identity.requests - before).toBeLessThanOrEqual(windows);
  });

  it('accepts a freshly rotated key within the refetch interval while random kids are sprayed', async () => {
    const verifier = verifierOf();
    expect(await outcome(verifier, signToken(published[0] as SigningKey))).toBe('accepted');
    let spraying = true;
    const spray = (async () => {
      while (spraying) {
        await Promise.all(Array.from({ length: 12 }, () => outcome(verifier, sprayToken())));
        await sleep(20);
      }
    })();
    await sleep(300); // the spray has just spent the refetch this interval allows
    const fetchesBefore = identity.requests;

    const rotated = newSigningKey(`key-${randomUUID()}`);
    published.push(rotated);
    const rotatedAt = Date.now();
    let acceptedAfterMs: number | undefined;
    while (Date.now() - rotatedAt < 5 * unknownKidRefetchIntervalMs) {
      if ((await outcome(verifier, signToken(rotated))) === 'accepted') {
        acceptedAfterMs = Date.now() - rotatedAt;
        break;
      }
      await sleep(25);
    }
    spraying = false;
    await spray;

    expect(acceptedAfterMs).toBeDefined();
    expect(acceptedAfterMs).toBeLessThanOrEqual(unknownKidRefetchIntervalMs + 250);
    const elapsedWindows = Math.ceil((Date.now() - rotatedAt) / unknownKidRefetchIntervalMs) + 1;
    expect(identity.requests - fetchesBefore).toBeLessThanOrEqual(elapsedWindows);
  });

  it('refuses a kid found missing without fetching again, even after the interval', async () => {
    const verifier = verifierOf();
    const token = sprayToken();
    expect(await outcome(verifier, token)).toBe('unknown signing key');
    const afterFirst = identity.requests;
    await sleep(unknownKidRefetchIntervalMs + 100);
    expect(await outcome(verifier, token)).toBe('unknown signing key');
    expect(identity.requests).toBe(afterFirst);
  });

  it('reads the set again on its schedule: a rotated key arrives and a withdrawn one stops verifying', async () => {
    const verifier = verifierOf({ jwksRefreshIntervalMs: 300 });
    const first = published[0] as SigningKey;
    expect(await outcome(verifier, signToken(first))).toBe('accepted');
    const rotated = newSigningKey(`key-${randomUUID()}`);
    published.splice(0, 1, rotated);
    await sleep(700);
    const fetchesBefore = identity.requests;
    expect(await outcome(verifier, signToken(rotated))).toBe('accepted');
    expect(identity.requests).toBe(fetchesBefore); // known from the scheduled read, not fetched on demand
    expect(await outcome(verifier, signToken(first))).toBe('unknown signing key');
  });

  it('keeps the keys it has while the JWKS cannot be read', async () => {
    const verifier = verifierOf({ jwksRefreshIntervalMs: 200 });
    const key = published[0] as SigningKey;
    expect(await outcome(verifier, signToken(key))).toBe('accepted');
    await identity.close();
    await sleep(500);
    expect(await outcome(verifier, signToken(key))).toBe('accepted');
    identity = await serveJwks(published); // afterEach closes one
  });
});
