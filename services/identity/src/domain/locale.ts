import { identityLimits } from './limits';

/** The language notifications and other messages use when a customer chose none. */
export const defaultLocale = 'en';

/** The shape every consumer of `customers.*` events accepts: a lowercase language, then subtags. */
const contractShape = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * A BCP 47 language tag in its canonical form (`de-at` → `de-AT`, `iw` → `he`), or null when it is not a
 * well-formed tag of a language (`*`, private-use `x-…`, grandfathered irregular tags, over 35 characters). Any
 * language is kept: what a service cannot speak it answers in its default (the notifications: English).
 */
export function canonicalLocale(tag: string): string | null {
  if (tag.length === 0 || tag.length > identityLimits.localeLength) return null;
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(tag);
  } catch {
    return null;
  }
  return contractShape.test(canonical) && canonical.length <= identityLimits.localeLength ? canonical : null;
}
