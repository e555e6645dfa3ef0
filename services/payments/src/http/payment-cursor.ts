import { invalidRequest } from '@shop/kit';
import type { PaymentPosition } from '../application/ports';

/** Opaque to clients: base64url JSON of the last row's sort key, so pages stay stable while payments are added. */
export function encodeCursor(position: PaymentPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): PaymentPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(createdAt.getTime()) && id.length <= 36) {
      return { createdAt, id };
    }
  } catch {}
  throw invalidRequest([{ path: 'query.cursor', message: 'is not a cursor this list handed out' }]);
}
