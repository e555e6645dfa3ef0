import {
  Brackets,
  Equal,
  type FindOperator,
  LessThan,
  MoreThan,
  type ObjectLiteral,
  type SelectQueryBuilder,
  type WhereExpressionBuilder,
} from 'typeorm';
import type { TimePosition } from '../http/cursor';

export type SortDirection = 'ASC' | 'DESC';

export interface KeysetPageQuery {
  /** The entity property the list is sorted by, e.g. `createdAt`. */
  key: string;
  /** The unique property that breaks ties of `key` (default `id`); `key` alone when they are the same. */
  tieBreaker?: string;
  direction: SortDirection;
  /** Rows per page. */
  limit: number;
  /** Where the previous page ended: only rows strictly beyond (value, id) in this order come. */
  after?: { value: unknown; id: unknown } | undefined;
}

export interface KeysetPage<E> {
  items: E[];
  /** The last row of this page when another page follows (the next page starts after it), else undefined. */
  last: E | undefined;
}

/**
 * One page of a list in keyset order (`key`, then the tie-breaker): ordered, started strictly after `after`, and
 * fetched one row long so that whether a next page exists is known without counting. Rows inserted or changed
 * meanwhile never shift a later page. The condition is `key beyond v OR (key = v AND id beyond i)` written as
 * object literals: no row-value comparison (not every dialect has one), and TypeORM types each parameter by its
 * column, which SQL Server needs (a bare Date would be sent as `datetime` and lose precision against
 * `datetime2`). `query` may carry filters of its own (`andWhere`); its alias names the entity.
 */
export async function keysetPage<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  page: KeysetPageQuery,
): Promise<KeysetPage<E>> {
  const { key, direction, after } = page;
  const tieBreaker = page.tieBreaker ?? 'id';
  const beyond = <T>(value: T): FindOperator<T> => (direction === 'ASC' ? MoreThan(value) : LessThan(value));
  if (after) {
    query.andWhere(
      new Brackets((keyset: WhereExpressionBuilder) => {
        keyset.where({ [key]: beyond(after.value) });
        if (tieBreaker !== key) keyset.orWhere({ [key]: Equal(after.value), [tieBreaker]: beyond(after.id) });
      }),
    );
  }
  query.orderBy(`${query.alias}.${key}`, direction);
  if (tieBreaker !== key) query.addOrderBy(`${query.alias}.${tieBreaker}`, direction);
  return pageOf(await query.limit(page.limit + 1).getMany(), page.limit);
}

/** The first `limit` of rows fetched one longer than a page, and the row the next page starts after, if any. */
export function pageOf<E>(rows: E[], limit: number): KeysetPage<E> {
  const items = rows.slice(0, limit);
  return { items, last: rows.length > limit ? items.at(-1) : undefined };
}

/**
 * A page of a list ordered by creation (`createdAt`, then `id`), newest first unless told otherwise, with the
 * position the next page starts after (what encodeTimeCursor writes into the list's `nextCursor`).
 */
export async function creationPage<E extends ObjectLiteral & TimePosition>(
  query: SelectQueryBuilder<E>,
  page: { limit: number; after?: TimePosition | undefined; direction?: SortDirection },
): Promise<{ items: E[]; next: TimePosition | null }> {
  const { items, last } = await keysetPage(query, {
    key: 'createdAt',
    direction: page.direction ?? 'DESC',
    limit: page.limit,
    after: page.after && { value: page.after.createdAt, id: page.after.id },
  });
  return { items, next: last ? { createdAt: last.createdAt, id: last.id } : null };
}
