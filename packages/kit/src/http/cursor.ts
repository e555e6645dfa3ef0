import { invalidRequest, type ProblemError } from './problem';

/** Where a page ended in a list ordered by creation time, ties broken by id. */
export interface TimePosition {
  createdAt: Date;
  id: string;
}

/**
 * The instants a cursor may carry: no row of ours was created before 1970, and SQL Server's datetime2 ends with
 * 9999. Anything outside (a JavaScript Date reaches year 275760) is refused before it reaches a database that
 * would fail on it.
 */
const earliestInstantMs = Date.UTC(1970, 0, 1);
const latestInstantMs = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Row ids are UUIDs (crypto.randomUUID), the only shape a cursor's id may have. */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The instant a cursor carries, written as encodeTimeCursor writes it (toISOString) and in range; else undefined. */
export function cursorInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const at = new Date(value);
  const ms = at.getTime();
  if (Number.isNaN(ms) || ms < earliestInstantMs || ms > latestInstantMs || at.toISOString() !== value)
    return undefined;
  return at;
}

/** A row id a cursor carries, if it has the shape of our ids. */
export function cursorId(value: unknown): string | undefined {
  return typeof value === 'string' && uuidPattern.test(value) ? value : undefined;
}

/** The 400 for a cursor this API did not hand out, naming `query.cursor`. */
export function invalidCursor(message = 'is not a cursor this list handed out'): ProblemError {
  return invalidRequest([{ path: 'query.cursor', message }]);
}

/** Opaque to clients (CONTRACT.md, lists): base64url JSON of the last row's sort key, so pages stay stable as rows are added. */
export function encodeTimeCursor(position: TimePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

/**
 * The position a cursor names; anything that does not decode to values this API could have handed out (an
 * instant out of range, an id of another shape) is a 400 naming `query.cursor`, never a query that fails.
 */
export function decodeTimeCursor(cursor: string): TimePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const createdAt = cursorInstant(parsed[0]);
  const id = cursorId(parsed[1]);
  if (!createdAt || !id) throw invalidCursor();
  return { createdAt, id };
}
