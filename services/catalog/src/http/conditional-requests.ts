import { type ProductVersion, parseProductEtag } from '../domain/product';

function entityTags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a W/ prefix does not matter. */
export function noneMatch(header: string, etag: string): boolean {
  if (!header) return true;
  if (header.trim() === '*') return false;
  return !entityTags(header).some((tag) => opaque(tag) === opaque(etag));
}

/**
 * If-Match (RFC 9110 §13.1.1): absent is undefined (update unconditionally), `*` is 'any' (the product must
 * exist), otherwise the versions its strong tags name. Weak or foreign tags can never match, so they add no
 * version; a header made only of those yields [] and the update fails its precondition.
 */
export function ifMatchVersions(header: string): ProductVersion[] | 'any' | undefined {
  if (!header) return undefined;
  const tags = entityTags(header);
  if (tags.includes('*')) return 'any';
  return tags.flatMap((tag) => parseProductEtag(tag) ?? []);
}
