import { createHash } from 'node:crypto';
import { cursorId, cursorInstant, hasControlCharacter } from '@shop/kit';
import { catalogLimits } from './limits';
import { nameKeyOf, type Product } from './product';

export const productSorts = ['name', '-name', 'price', '-price', '-createdAt'] as const;
export type ProductSort = (typeof productSorts)[number];
export const defaultProductSort: ProductSort = '-createdAt';

export type SortKey = 'name' | 'price' | 'createdAt';

export interface SortOrder {
  key: SortKey;
  direction: 'ASC' | 'DESC';
}

export function sortOrderOf(sort: ProductSort): SortOrder {
  const descending = sort.startsWith('-');
  return { key: (descending ? sort.slice(1) : sort) as SortKey, direction: descending ? 'DESC' : 'ASC' };
}

/** Where a page ends: the last row's sort key and id (the tie-break), in the order it was listed. */
export type Position =
  | { sort: ProductSort; key: 'name'; value: string; id: string }
  | { sort: ProductSort; key: 'price'; value: number; id: string }
  | { sort: ProductSort; key: 'createdAt'; value: Date; id: string };

export interface ProductSearch {
  /** Matched, case-insensitively, anywhere in the name, description or sku. */
  q?: string;
  /** The category and all its descendants. */
  categoryId?: string;
  /** Inclusive bounds on price.amount, in minor units. */
  minPrice?: number;
  maxPrice?: number;
  sort: ProductSort;
  limit: number;
  cursor?: string;
}

export function positionAfter(product: Product, sort: ProductSort): Position {
  const { key } = sortOrderOf(sort);
  if (key === 'name') return { sort, key, value: nameKeyOf(product.name), id: product.id };
  if (key === 'price') return { sort, key, value: product.price.amount, id: product.id };
  return { sort, key, value: product.createdAt, id: product.id };
}

// A cursor is base64url(JSON [sort, key value, id]) '.' a short digest of that JSON. The digest is not a
// secret (the position holds nothing private); it makes an edited or truncated cursor a clean 400 instead of
// a silently different page.
const digestLength = 12;

function digest(payload: string): string {
  return createHash('sha256').update(payload).digest('base64url').slice(0, digestLength);
}

export function encodeCursor(position: Position): string {
  const value = position.key === 'createdAt' ? position.value.toISOString() : position.value;
  const payload = JSON.stringify([position.sort, value, position.id]);
  return `${Buffer.from(payload).toString('base64url')}.${digest(payload)}`;
}

export type CursorProblem = 'malformed' | 'other-sort';

/** The position a cursor names, if it is one of ours and was made for this sort order. */
export function decodeCursor(cursor: string, sort: ProductSort): Position | CursorProblem {
  const [encoded, check, extra] = cursor.split('.');
  if (!encoded || !check || extra !== undefined) return 'malformed';
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  if (digest(payload) !== check) return 'malformed';
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return 'malformed';
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return 'malformed';
  const [cursorSort, value, rawId] = parsed as unknown[];
  const id = cursorId(rawId);
  if (!id) return 'malformed';
  if (!productSorts.includes(cursorSort as ProductSort)) return 'malformed';
  if (cursorSort !== sort) return 'other-sort';
  const { key } = sortOrderOf(sort);
  if (key === 'name') {
    // The digest is no secret: a client can forge a cursor, so its values are checked as a query parameter is.
    return typeof value === 'string' && value.length <= catalogLimits.nameKeyLength && !hasControlCharacter(value)
      ? { sort, key, value, id }
      : 'malformed';
  }
  if (key === 'price') {
    return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= catalogLimits.maxPriceAmount
      ? { sort, key, value: value as number, id }
      : 'malformed';
  }
  const at = cursorInstant(value);
  return at ? { sort, key, value: at, id } : 'malformed';
}

/** The LIKE escape character, declared in every query with ESCAPE (the dialects share no default). */
export const likeEscape = '!';

/**
 * A LIKE pattern matching `text` literally anywhere. `%` and `_` are wildcards everywhere, `[` opens a
 * character class on SQL Server, and the escape character escapes itself.
 */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_[]/g, (c) => `${likeEscape}${c}`)}%`;
}
