import { type DataSource, LessThan } from 'typeorm';
import {
  findIdempotentOutcome,
  hashRequest,
  IdempotencyKey,
  runIdempotent,
  sweepIdempotencyKeys,
} from '../../../src/data';
import { newWidget, WidgetEntity } from './widgets';

const hourMs = 3_600_000;

/**
 * Idempotency records expire after the DataSource's TTL (here 2 hours): read as absent, then swept. Shared by
 * the SQLite suite and the server databases' contract, so every dialect runs the same statements.
 */
export function describeIdempotencyExpiry(open: (settings: { idempotencyTtlHours: number }) => Promise<DataSource>) {
  describe('idempotency records expire', () => {
    let db: DataSource;
    let executions: number;
    beforeEach(async () => {
      db = await open({ idempotencyTtlHours: 2 });
      executions = 0;
    });

    const post = (key: string, name: string, fail = false) =>
      runIdempotent(db, { scope: 'widgets:create', key, requestHash: hashRequest({ name }) }, async (tx) => {
        executions++;
        if (fail) return tx.rollbackWith({ status: 409, body: { name, attempt: executions } });
        const widget = newWidget(name);
        await tx.manager.insert(WidgetEntity, widget);
        return { status: 201, body: { ...widget, attempt: executions } };
      });
    /** Moves a record's creation back, as if it had been written that long ago. */
    const age = (key: string, hours: number) =>
      db.manager.update(
        IdempotencyKey,
        { scope: 'widgets:create', key },
        { createdAt: new Date(Date.now() - hours * hourMs) },
      );
    const lookup = (key: string, name: string) =>
      findIdempotentOutcome(db, { scope: 'widgets:create', key, requestHash: hashRequest({ name }) });

    it('replays a record younger than the TTL and treats an older one as absent', async () => {
      await post('young', 'gear');
      await age('young', 1.9);
      expect(await post('young', 'gear')).toMatchObject({ outcome: 'replayed', response: { body: { attempt: 1 } } });

      await post('old', 'gear');
      await age('old', 2.1);
      expect(await lookup('old', 'gear')).toBeUndefined();
      // Another body is no conflict either: the key starts over.
      expect(await post('old', 'cog')).toMatchObject({ outcome: 'executed', response: { body: { name: 'cog' } } });
      expect(await post('old', 'cog')).toMatchObject({ outcome: 'replayed', response: { body: { name: 'cog' } } });
    });

    it('stores a business failure over an expired record', async () => {
      await post('refused', 'gear');
      await age('refused', 3);
      expect(await post('refused', 'gear', true)).toMatchObject({ outcome: 'executed', response: { status: 409 } });
      expect(await post('refused', 'gear')).toMatchObject({ outcome: 'replayed', response: { status: 409 } });
    });

    it('sweeps the expired records and keeps the others', async () => {
      for (const key of ['a', 'b', 'c', 'd']) await post(key, 'gear');
      await age('a', 2.5);
      await age('b', 100);
      await age('c', 1.5);
      expect(await sweepIdempotencyKeys(db)).toBe(2);
      const left = await db.manager.find(IdempotencyKey, { order: { key: 'ASC' } });
      expect(left.map((record) => record.key)).toEqual(['c', 'd']);
      expect(await db.manager.countBy(IdempotencyKey, { createdAt: LessThan(new Date(Date.now() - 2 * hourMs)) })).toBe(
        0,
      );
      expect(await sweepIdempotencyKeys(db)).toBe(0);
    });
  });
}
