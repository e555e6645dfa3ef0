import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims of an access-key token; Azure's system claims (`asrs.s.*`) and any user claims pass through. */
export interface AccessKeyClaims {
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  sub?: string;
  nameid?: string;
  [claim: string]: unknown;
}

/** A token that does not verify; the message is what the 401 tells the caller. */
export class AccessTokenError extends Error {}

const algorithms: Record<string, 'sha256' | 'sha512'> = { HS256: 'sha256', HS512: 'sha512' };

/** The clock difference tolerated on `exp` and `nbf` (.NET's JwtBearer default). */
export const clockSkewSeconds = 300;

/** The largest token accepted (the Azure SDK refuses to issue longer ones). */
export const maxTokenLength = 4_096;

/**
 * Verifies an Azure SignalR access-key JWT: HS256 (or HS512) signed with the UTF-8 bytes of one of the access
 * keys exactly as the connection string spells them (never base64-decoded), an `exp`, and `nbf` when present,
 * within the clock skew. The `kid` is ignored: the Azure SDK makes one up per process.
 */
export function verifyAccessToken(token: string, keys: readonly string[], nowSeconds: number): AccessKeyClaims {
  if (token.length > maxTokenLength) throw new AccessTokenError('The token is too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw new AccessTokenError('The token is not a JWT');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = jsonPart(encodedHeader, 'header');
  const hash = typeof header.alg === 'string' ? algorithms[header.alg] : undefined;
  if (!hash) throw new AccessTokenError('The token must be signed with HS256 or HS512');
  const signature = Buffer.from(encodedSignature, 'base64url');
  const signed = `${encodedHeader}.${encodedPayload}`;
  const matches = keys.some((key) => {
    const expected = createHmac(hash, Buffer.from(key, 'utf8')).update(signed).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  });
  if (!matches) throw new AccessTokenError('The signature key was not found');
  const claims = jsonPart(encodedPayload, 'payload') as AccessKeyClaims;
  if (typeof claims.exp !== 'number') throw new AccessTokenError('The token has no expiration time');
  if (claims.exp + clockSkewSeconds <= nowSeconds) throw new AccessTokenError('The token is expired');
  if (typeof claims.nbf === 'number' && claims.nbf - clockSkewSeconds > nowSeconds) {
    throw new AccessTokenError('The token is not valid yet');
  }
  return claims;
}

/** Signs claims with the access key, as the Azure SDK and Dapr do (HS256 unless asked otherwise). */
export function signAccessToken(claims: AccessKeyClaims, key: string, algorithm: 'HS256' | 'HS512' = 'HS256'): string {
  const header = Buffer.from(JSON.stringify({ alg: algorithm, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const hash = algorithms[algorithm] as 'sha256' | 'sha512';
  const signature = createHmac(hash, Buffer.from(key, 'utf8')).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The audiences of a token: Dapr sends a one-element array, everyone else a string. */
export function audiencesOf(claims: AccessKeyClaims): string[] {
  if (typeof claims.aud === 'string') return [claims.aud];
  if (Array.isArray(claims.aud)) return claims.aud.filter((aud): aud is string => typeof aud === 'string');
  return [];
}

/**
 * Whether a REST token was issued for this request: some audience's path is the request's path. Host, port and
 * query are ignored, because callers disagree on them (the Azure SDK drops the port, Dapr keeps it and the
 * query, the docs drop the query); a token issued for `/client` never passes here.
 */
export function audienceMatchesPath(claims: AccessKeyClaims, requestPath: string): boolean {
  const wanted = normalizedPath(requestPath);
  return audiencesOf(claims).some((aud) => {
    const url = parseUrl(aud);
    return url !== undefined && normalizedPath(url.pathname) === wanted;
  });
}

/** Whether a client token was issued for this hub: an audience `<endpoint>/client/?hub=<hub>`. */
export function audienceMatchesClientHub(claims: AccessKeyClaims, hub: string): boolean {
  return audiencesOf(claims).some((aud) => {
    const url = parseUrl(aud);
    if (!url || normalizedPath(url.pathname) !== '/client') return false;
    return url.searchParams.get('hub')?.toLowerCase() === hub.toLowerCase();
  });
}

/**
 * The user a client token names: Azure's `asrs.s.uid`, then the NameIdentifier claims in the order .NET's
 * JwtBearer maps them (`nameid`, `sub`, the long form).
 */
export function userIdOf(claims: AccessKeyClaims): string | undefined {
  for (const name of [
    'asrs.s.uid',
    'nameid',
    'sub',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier',
  ]) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function jsonPart(encoded: string, part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new AccessTokenError(`The token's ${part} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AccessTokenError(`The token's ${part} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function normalizedPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Left as it is: a malformed escape compares as written.
  }
  const trimmed = decoded.length > 1 && decoded.endsWith('/') ? decoded.slice(0, -1) : decoded;
  return trimmed.toLowerCase();
}
