/**
 * The process the crash test kills: it commits a widget and its outbox event to PostgreSQL, says so on
 * stdout with its pid, and then waits to be killed with SIGKILL (the test kills this pid: the tsx wrapper
 * would not pass SIGKILL on).
 *   CRASH_POINT=after-commit      no relay runs here: the kill lands between commit and publish
 *   CRASH_POINT=while-publishing  this process's relay has claimed the event and is stuck publishing it
 */
import { OutboxRelay, transaction } from '../../../src/data';
import { openWidgets, WidgetEntity, widgetCreated } from './widgets';

async function main() {
  const { DATABASE_URL: url, CRASH_POINT: crashPoint, EVENT_ID: eventId, WIDGET_ID: widgetId } = process.env;
  if (!url || !eventId || !widgetId) throw new Error('DATABASE_URL, EVENT_ID and WIDGET_ID are required');
  const db = await openWidgets(url);
  if (crashPoint === 'while-publishing') {
    const relay = new OutboxRelay(db, {
      leaseMs: Number(process.env.LEASE_MS ?? 2_000),
      pollIntervalMs: 60_000,
      publish: async (_topic, event) => {
        console.log(`publishing ${event.id} ${process.pid}`);
        await new Promise(() => undefined); // the broker never answers before the crash
      },
    });
    relay.start();
  }
  const widget = { id: widgetId, name: 'crash-proof', quantity: 1 };
  await transaction(db, async (tx) => {
    await tx.manager.insert(WidgetEntity, widget);
    await tx.outbox('widgets', widgetCreated(widget, eventId));
  });
  if (crashPoint === 'after-commit') console.log(`committed ${eventId} ${process.pid}`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
