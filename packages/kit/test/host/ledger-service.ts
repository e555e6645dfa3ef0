import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/contracts';
import Joi from 'joi';
import { EntitySchema, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableColumns } from '../../src/data';
import type { EventSubscription } from '../../src/events/event-subscription';
import { inboxIntake } from '../../src/events/intake';
import type { ServiceManifest } from '../../src/host/service-manifest';
import { ApiRoutes } from '../../src/http/api-routes';

/**
 * A service whose consumer can be broken and fixed at will, to see the kit's dead letters end to end: an entry
 * posted while it is broken fails every delivery and is dead-lettered; once fixed, a replay posts it.
 */
export const ledgerTopic = 'ledger.entry-posted';
export const ledgerFault = { broken: false };

interface LedgerEntry {
  eventId: string;
  account: string;
  amount: number;
}

const LedgerEntries = new EntitySchema<LedgerEntry>({
  name: 'LedgerEntry',
  tableName: 'ledger_entries',
  columns: {
    eventId: { name: 'event_id', type: String, primary: true },
    account: { name: 'account', type: String },
    amount: { name: 'amount', type: Number },
  },
});

export class CreateLedgerEntries1733700000000 implements MigrationInterface {
  readonly name = 'CreateLedgerEntries1733700000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'ledger_entries',
        columns: [{ ...c.string('event_id', 100), isPrimary: true }, c.string('account', 40), c.integer('amount')],
      }),
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ledger_entries');
  }
}

export const ledgerService: ServiceManifest = {
  name: 'ledger',
  publicPaths: ['/api/ledger'],
  data: { entities: [LedgerEntries], migrations: [CreateLedgerEntries1733700000000] },
  async setup({ name, dataSource, log }) {
    const api = new ApiRoutes();
    api.get(
      '/api/ledger/:account',
      {
        summary: "An account's entries",
        access: 'anyone',
        request: { params: Joi.object({ account: Joi.string().max(40).required() }) },
        responses: { 200: { description: 'The entries and their total' } },
      },
      async (ctx) => {
        const entries = await dataSource.manager.findBy(LedgerEntries, { account: ctx.params.account as string });
        ctx.body = { entries: entries.length, total: entries.reduce((sum, entry) => sum + entry.amount, 0) };
      },
    );
    return {
      router: api.router,
      openApi: api.openApi({ title: 'ledger', version: '1' }),
      subscriptions: inboxIntake(
        [
          {
            // A topic of this test only, outside the platform's contracts (which type the topic).
            topic: ledgerTopic as EventSubscription<object>['topic'],
            schema: Joi.object({ account: Joi.string().max(40).required(), amount: Joi.number().integer().required() }),
            async handle({ tx }, event) {
              if (ledgerFault.broken) throw new Error('the ledger cannot post entries (a bug, fixed later)');
              const { account, amount } = event.data as { account: string; amount: number };
              await tx.manager.insert(LedgerEntries, { eventId: event.id, account, amount });
            },
          },
        ],
        { service: name, log, dataSource, deps: {} },
      ),
    };
  },
};

export function ledgerEntry(account: string, amount: number): EventEnvelope {
  return { id: randomUUID(), type: ledgerTopic, occurredAt: new Date().toISOString(), data: { account, amount } };
}
