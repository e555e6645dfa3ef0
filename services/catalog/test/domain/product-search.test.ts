import { createHash, randomUUID } from 'node:crypto';
import {
  containsPattern,
  decodeCursor,
  encodeCursor,
  type Position,
  type ProductSort,
  sortOrderOf,
} from '../../src/domain/product-search';

describe('cursors', () => {
  const id = randomUUID();
  it.each<Position>([
    { sort: 'name', key: 'name', value: 'blue mug "large"', id },
    { sort: '-name', key: 'name', value: 'ünïcode ☕', id },
    { sort: 'price', key: 'price', value: 0, id },
    { sort: '-price', key: 'price', value: 2_147_483_647, id },
    { sort: '-createdAt', key: 'createdAt', value: new Date('2024-05-01T12:34:56.789Z'), id },
  ])('round-trips a $sort position', (position) => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, position.sort)).toEqual(position);
  });

  it('refuses a cursor made for another sort order', () => {
    expect(decodeCursor(encodeCursor({ sort: 'price', key: 'price', value: 5, id }), 'name')).toBe('other-sort');
  });

  it('refuses anything it did not issue', () => {
    const good = encodeCursor({ sort: 'price', key: 'price', value: 5, id });
    const [body = '', check = ''] = good.split('.');
    // One character changed for another, early in the text: a changed last character may decode to the same bytes
    // (base64's spare bits), and a random id sometimes ends the text in the very character put there.
    const tampered = (text: string) => `${text.slice(0, 2)}${text[2] === 'A' ? 'B' : 'A'}${text.slice(3)}`;
    // A correct digest over a wrong shape must be refused too.
    const forged = (payload: unknown) => {
      const json = JSON.stringify(payload);
      return `${Buffer.from(json).toString('base64url')}.${createHash('sha256').update(json).digest('base64url').slice(0, 12)}`;
    };
    const cases: Array<[string, ProductSort]> = [
      ['', 'price'],
      ['.', 'price'],
      ['abc', 'price'],
      [`${body}.`, 'price'],
      [`.${check}`, 'price'],
      [`${body}.${check}.x`, 'price'],
      [`${tampered(body)}.${check}`, 'price'],
      [`${body}.${tampered(check)}`, 'price'],
      [forged(['price', 5]), 'price'],
      [forged(['price', -1, id]), 'price'],
      [forged(['price', 1.5, id]), 'price'],
      [forged(['price', '5', id]), 'price'],
      [forged(['price', 5, 'not-a-uuid']), 'price'],
      [forged(['cheapest', 5, id]), 'price'],
      [forged(['name', 5, id]), 'name'],
      [forged(['-createdAt', 'yesterday', id]), '-createdAt'],
      [forged(['-createdAt', '2024-05-01T12:34:56Z', id]), '-createdAt'],
      [forged({ sort: 'price' }), 'price'],
      // Values a database would fail on: a price beyond the 32-bit column, NUL in a name, a year past 9999.
      [forged(['price', 2_147_483_648, id]), 'price'],
      [forged(['name', 'mug\u0000', id]), 'name'],
      [forged(['price', 5, `${id.slice(0, -1)}\u0000`]), 'price'],
      [forged(['-createdAt', '+275760-09-13T00:00:00.000Z', id]), '-createdAt'],
      [forged(['-createdAt', '1969-12-31T23:59:59.999Z', id]), '-createdAt'],
    ];
    for (const [cursor, sort] of cases) expect([cursor, decodeCursor(cursor, sort)]).toEqual([cursor, 'malformed']);
  });
});

describe('sort orders', () => {
  it('reads the direction from the leading minus', () => {
    expect(sortOrderOf('name')).toEqual({ key: 'name', direction: 'ASC' });
    expect(sortOrderOf('-price')).toEqual({ key: 'price', direction: 'DESC' });
    expect(sortOrderOf('-createdAt')).toEqual({ key: 'createdAt', direction: 'DESC' });
  });
});

describe('containsPattern', () => {
  it('lowercases and escapes every LIKE metacharacter of every dialect', () => {
    expect(containsPattern('Mug')).toBe('%mug%');
    expect(containsPattern('100%')).toBe('%100!%%');
    expect(containsPattern('a_b')).toBe('%a!_b%');
    expect(containsPattern('[x]')).toBe('%![x]%');
    expect(containsPattern('wow!')).toBe('%wow!!%');
    expect(containsPattern('ÉCLAIR')).toBe('%éclair%');
  });
});
