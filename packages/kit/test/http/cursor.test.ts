import { randomUUID } from 'node:crypto';
import { decodeTimeCursor, encodeTimeCursor } from '../../src/http/cursor';
import { ProblemError } from '../../src/http/problem';

const cursorOf = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');

function refusal(cursor: string): unknown {
  try {
    decodeTimeCursor(cursor);
  } catch (error) {
    if (error instanceof ProblemError) return { status: error.status, paths: error.problem.errors?.map((e) => e.path) };
    throw error;
  }
  return 'accepted';
}

describe('time cursors', () => {
  it('round-trips the positions it hands out, at both ends of the range', () => {
    for (const at of ['1970-01-01T00:00:00.000Z', '2026-12-07T12:00:00.123Z', '9999-12-31T23:59:59.999Z']) {
      const position = { createdAt: new Date(at), id: randomUUID() };
      expect(decodeTimeCursor(encodeTimeCursor(position))).toEqual(position);
    }
  });

  it('refuses with a 400 naming query.cursor anything that does not decode to a valid date and id', () => {
    const id = randomUUID();
    const cases = [
      'nonsense',
      '',
      cursorOf('2024-01-01T00:00:00.000Z'),
      cursorOf(['2024-01-01T00:00:00.000Z']),
      cursorOf(['2024-01-01T00:00:00.000Z', id, 'extra']),
      // Dates a JavaScript Date holds but a database column does not.
      cursorOf(['+275760-09-13T00:00:00.000Z', id]),
      cursorOf(['-000001-01-01T00:00:00.000Z', id]),
      cursorOf(['+010000-01-01T00:00:00.000Z', id]),
      cursorOf(['1969-12-31T23:59:59.999Z', id]),
      // Not as the encoder writes it.
      cursorOf(['2024-01-01', id]),
      cursorOf(['2024-02-30T00:00:00.000Z', id]),
      cursorOf([1_700_000_000_000, id]),
      // Ids of another shape: NUL, too long, not a UUID.
      cursorOf(['2024-01-01T00:00:00.000Z', '\u0000']),
      cursorOf(['2024-01-01T00:00:00.000Z', `${id.slice(0, -1)}\u0000`]),
      cursorOf(['2024-01-01T00:00:00.000Z', 'x'.repeat(36)]),
      cursorOf(['2024-01-01T00:00:00.000Z', `${id}0`]),
      cursorOf(['2024-01-01T00:00:00.000Z', 42]),
    ];
    for (const cursor of cases) {
      expect([cursor, refusal(cursor)]).toEqual([cursor, { status: 400, paths: ['query.cursor'] }]);
    }
  });
});
