import { randomUUID } from 'node:crypto';
import { createLogger, type HandlerContext, type MigrationClass, openDataSource } from '@shop/kit';
import { EntitySchema } from 'typeorm';
import { updateProfile } from '../../src/application/update-profile';
import { CustomerEntity, type CustomerRow, identityEntities } from '../../src/infrastructure/entities';
import {
  AddCustomerLocaleAndPhone1732300000001,
  CreateIdentityTables1732300000000,
} from '../../src/infrastructure/migrations';
import { scryptPasswords } from '../../src/infrastructure/scrypt-passwords';
import { typeormUnitOfWork } from '../../src/infrastructure/typeorm-store';

const ctx: HandlerContext = { log: createLogger({ name: 'identity-upgrade-test', level: 'fatal' }) };
const open = (url: string, entities: EntitySchema[], migrations: MigrationClass[]) =>
  openDataSource(url, { entities, migrations, lockName: 'identity' });

/** A customers row as the first migration's table holds it: today's entity knows columns it lacks. */
const CustomerBeforeLocale = new EntitySchema<Omit<CustomerRow, 'locale' | 'phone'>>({
  name: 'IdentityCustomerBeforeLocale',
  tableName: 'customers',
  columns: Object.fromEntries(
    Object.entries(CustomerEntity.options.columns).filter(
      ([property]) => property !== 'locale' && property !== 'phone',
    ),
  ),
});

/**
 * An identity database from before the locale and phone columns, holding an account, brought up to date: the
 * account keeps its rows, reads as English without a phone, and its first change is announced. The same on every
 * dialect a test hands it a fresh database of.
 */
export async function upgradeKeepsAccounts(url: string) {
  const before = await open(url, [CustomerBeforeLocale], [CreateIdentityTables1732300000000]);
  const id = randomUUID();
  const at = new Date('2026-01-02T03:04:05.000Z');
  await before.getRepository(CustomerBeforeLocale).insert({
    id,
    email: `old-${id}@example.com`,
    name: 'Old Account',
    roles: 'customer',
    passwordHash: 'scrypt$old',
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  });
  await before.destroy();

  const after = await open(url, identityEntities, [
    CreateIdentityTables1732300000000,
    AddCustomerLocaleAndPhone1732300000001,
  ]);
  try {
    const unitOfWork = typeormUnitOfWork(after);
    const upgraded = await unitOfWork((store) => store.customers.byId(id));
    const result = await updateProfile(
      ctx,
      { customerId: id, locale: 'de', phone: '+491701234567' },
      {
        unitOfWork,
        passwords: scryptPasswords({ log2Cost: 8 }),
        clock: { now: () => new Date('2026-02-03T04:05:06.000Z') },
      },
    );
    const changed = await unitOfWork((store) => store.customers.byId(id));
    // What the relay will publish: the outbox rows the change committed.
    const rows: Array<{ topic: string; payload: string }> = await after.query(
      'SELECT topic, payload FROM outbox_events ORDER BY seq',
    );
    const outbox = rows.map((row) => ({ topic: row.topic, data: JSON.parse(row.payload) as unknown }));
    return { upgraded, result, changed, outbox };
  } finally {
    await after.destroy();
  }
}
