import { entityTags } from '@shop/kit';
import { type ProductVersion, parseProductEtag } from '../domain/product';

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
