/** The entity tags of an If-Match or If-None-Match header, as sent (`W/` prefixes kept). */
export function entityTags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a W/ prefix does not matter. True when the
 * representation with this ETag is to be sent, false when the answer is 304.
 */
export function noneMatch(header: string, etag: string): boolean {
  if (!header) return true;
  if (header.trim() === '*') return false;
  return !entityTags(header).some((tag) => opaque(tag) === opaque(etag));
}
