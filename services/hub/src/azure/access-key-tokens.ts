import jwt from 'jsonwebtoken';

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

/** What the Azure SDK and Dapr sign with; anything else (`none`, RS256 over an HMAC) is refused. */
const algorithms: jwt.Algorithm[] = ['HS256', 'HS512'];

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
  for (const key of keys) {
    const claims = verifiedWith(token, key, nowSeconds);
    if (claims === undefined) continue;
    if (typeof claims !== 'object' || Array.isArray(claims)) {
      throw new AccessTokenError("The token's payload is not a JSON object");
    }
    // jsonwebtoken checks exp only when it is there; an access-key token must have one.
    if (typeof claims.exp !== 'number') throw new AccessTokenError('The token has no expiration time');
    return claims as AccessKeyClaims;
  }
  throw new AccessTokenError('The signature key was not found');
}

/** The verified payload, or undefined when `key` did not sign the token; any other failure is thrown. */
function verifiedWith(token: string, key: string, nowSeconds: number): string | jwt.JwtPayload | undefined {
  try {
    // A string key is used as its UTF-8 bytes, as Azure's keys are (never base64-decoded).
    return jwt.verify(token, key, { algorithms, clockTimestamp: nowSeconds, clockTolerance: clockSkewSeconds });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw new AccessTokenError('The token is expired');
    if (error instanceof jwt.NotBeforeError) throw new AccessTokenError('The token is not valid yet');
    if (!(error instanceof jwt.JsonWebTokenError)) throw error;
    if (error.message === 'invalid signature') return undefined;
    throw new AccessTokenError(refusals[error.message] ?? `The token is invalid: ${error.message}`);
  }
}

/** jsonwebtoken's messages, as the 401s of the Azure emulator word them. */
const refusals: Record<string, string> = {
  'jwt malformed': 'The token is not a JWT',
  'invalid token': 'The token is not a JWT',
  'jwt must be provided': 'The token is not a JWT',
  'invalid algorithm': 'The token must be signed with HS256 or HS512',
  'jwt signature is required': 'The token must be signed with HS256 or HS512',
  'invalid exp value': 'The token has no expiration time',
  'invalid nbf value': 'The token is not valid yet',
};

/** Signs claims with the access key, as the Azure SDK and Dapr do (HS256 unless asked otherwise). */
export function signAccessToken(claims: AccessKeyClaims, key: string, algorithm: 'HS256' | 'HS512' = 'HS256'): string {
  // The claims are written as given: the caller sets iat, nbf and exp.
  return jwt.sign(claims, key, { algorithm, noTimestamp: true });
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
