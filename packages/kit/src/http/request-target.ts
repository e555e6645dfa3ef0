/**
 * The one judgement of a request target, made before any routing, by the edge, the gateway and every service alike.
 *
 * Why refuse rather than normalise: the gateway picks an upstream from the path it sees, and the proxy behind it
 * rebuilds the path with WHATWG `new URL()`, which resolves `..` and `%2e%2e`, turns `\` into `/` and drops tabs.
 * Any form two parsers can read differently let `/api/orders/../../dapr/events/...` reach internal routes. A path
 * here is accepted only in a form every parser reads the same way, so the path that is routed is the path that is
 * forwarded; no browser or HTTP client sends the refused forms of its own accord.
 */
export type TargetVerdict = { ok: true; path: string } | { ok: false; reason: string };

// RFC 3986 pchar (unreserved, sub-delims, ':' and '@') plus '/' and percent escapes.
const pathCharacters = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const percentEscape = /%([0-9A-Fa-f]{2})?/g;
// A dot segment, also with a ';' parameter behind it (`..;x`), which some servers strip before resolving.
const dotSegment = /^\.{1,2}(;.*)?$/;

/**
 * Octets that must never appear percent-encoded in a path: `.`, `/` and `\`, which parsers resolve or turn into
 * separators. (An encoded control character is data in one segment: validation names the parameter holding it.)
 */
function forbiddenEscape(hex: string): string | undefined {
  const code = Number.parseInt(hex, 16);
  if (code === 0x2e) return 'an encoded dot';
  if (code === 0x2f) return 'an encoded slash';
  if (code === 0x5c) return 'an encoded backslash';
  return undefined;
}

/** Judges a raw request target (`req.url`): origin form only, the path in its one canonical spelling. */
export function checkRequestTarget(target: string | undefined): TargetVerdict {
  if (!target?.startsWith('/')) return { ok: false, reason: 'the request target must be a path' };
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  if (!pathCharacters.test(path)) return { ok: false, reason: 'the path holds a character that must be encoded' };
  for (const match of path.matchAll(percentEscape)) {
    if (match[1] === undefined) return { ok: false, reason: 'the path holds a malformed percent escape' };
    const forbidden = forbiddenEscape(match[1]);
    if (forbidden) return { ok: false, reason: `the path holds ${forbidden}` };
  }
  const segments = path.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    if (dotSegment.test(segment)) return { ok: false, reason: 'the path holds a dot segment' };
    // An empty last segment is a trailing slash (`/client/`); an empty one elsewhere is a doubled slash.
    if (segment === '' && index < segments.length - 1) return { ok: false, reason: 'the path holds a doubled slash' };
  }
  return { ok: true, path };
}
