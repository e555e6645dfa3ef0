import type { DataSource } from 'typeorm';
import { DeadLetterStore } from '../../../src/data/dead-letters';
import { openWidgets, widgetCreated } from './widgets';

/**
 * The dead-letter store on a real database of each dialect: stored rows come back whole, pages are newest first and
 * filtered by topic and status, a replayed row is not discarded (nor the other way round), and a failed replay
 * counts one more attempt.
 */
export function describeDeadLetterStore(
  name: string,
  open: () => Promise<{ url: string; stop(): Promise<void> }>,
): void {
  describe(`the dead-letter store on ${name}`, () => {
    let db: DataSource;
    let stop: () => Promise<void>;
    let store: DeadLetterStore;
    beforeAll(async () => {
      const server = await open();
      stop = () => server.stop();
      db = await openWidgets(server.url);
      store = new DeadLetterStore(db);
    }, 120_000);
    afterAll(async () => {
      await db?.destroy();
      await stop?.();
    });

    it('keeps, pages, filters and resolves dead letters', async () => {
      const widget = { id: 'w-1', name: 'Widget ünïcode', quantity: 1 };
      const first = await store.store({ topic: 'widgets.a', event: widgetCreated(widget), error: 'boom', attempts: 4 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await store.store({ topic: 'widgets.b', event: widgetCreated(widget), error: null, attempts: 0 });
      expect(await store.find(first.id)).toMatchObject({
        topic: 'widgets.a',
        eventId: first.eventId,
        payload: first.payload,
        error: 'boom',
        attempts: 4,
        status: 'stored',
        resolvedAt: null,
      });
      const page = await store.list({ limit: 1 });
      expect(page.items.map((row) => row.id)).toEqual([second.id]);
      const next = await store.list({ limit: 1, ...(page.next ? { after: page.next } : {}) });
      expect(next.items.map((row) => row.id)).toEqual([first.id]);
      expect((await store.list({ limit: 10, topic: 'widgets.a' })).items.map((row) => row.id)).toEqual([first.id]);
      expect(await store.countStored()).toBe(2);

      await store.failedAgain(first.id, 'boom again');
      expect(await store.find(first.id)).toMatchObject({ attempts: 5, error: 'boom again', status: 'stored' });
      expect(await store.resolve(first.id, 'replayed', 'admin-1')).toMatchObject({
        status: 'replayed',
        resolvedBy: 'admin-1',
      });
      expect((await store.resolve(first.id, 'discarded', 'admin-2'))?.status).toBe('replayed');
      expect((await store.resolve(second.id, 'discarded', 'admin-2'))?.status).toBe('discarded');
      expect((await store.resolve(second.id, 'replayed', 'admin-1'))?.status).toBe('discarded');
      expect((await store.list({ limit: 10, status: 'replayed' })).items.map((row) => row.id)).toEqual([first.id]);
      expect(await store.countStored()).toBe(0);
    }, 60_000);
  });
}
