import { invalidRequest } from './problem';

/** Where a page ended in a list ordered by creation time, ties broken by id. */
export interface TimePosition {
  createdAt: Date;
  id: string;
}

/** Opaque to clients (CONTRACT.md, lists): base64url JSON of the last row's sort key, so pages stay stable as rows are added. */
export function encodeTimeCursor(position: TimePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

/** The position a cursor names; a cursor this API did not hand out is a 400 naming `query.cursor`. */
export function decodeTimeCursor(cursor: string): TimePosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(createdAt.getTime()) && id.length <= 64) {
      return { createdAt, id };
    }
  } catch {}
  throw invalidRequest([{ path: 'query.cursor', message: 'is not a cursor this list handed out' }]);
}
