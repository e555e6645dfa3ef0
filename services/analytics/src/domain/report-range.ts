import { dayMs } from './time-buckets';

export const defaultRangeDays = 30;
export const maxRangeDays = 366;

export type RangeCheck = { ok: true; from: Date; to: Date } | { ok: false; field: 'from' | 'to'; message: string };

/**
 * The range a report covers: `to` defaults to now and `from` to 30 days before `to`; `to` must come after
 * `from`, and a range spans at most 366 days (a leap year), which bounds what one request reads.
 */
export function reportRange(query: { from?: Date; to?: Date }, now: Date): RangeCheck {
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - defaultRangeDays * dayMs);
  if (to.getTime() <= from.getTime()) return { ok: false, field: 'to', message: 'must be after from' };
  if (to.getTime() - from.getTime() > maxRangeDays * dayMs) {
    return {
      ok: false,
      field: query.to ? 'to' : 'from',
      message: `must be at most ${maxRangeDays} days from the other end`,
    };
  }
  return { ok: true, from, to };
}
