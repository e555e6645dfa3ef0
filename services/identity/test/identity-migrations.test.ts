import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upgradeKeepsAccounts } from './support/locale-phone-upgrade';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'identity-migrations-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the locale and phone migration on SQLite', () => {
  it('keeps existing accounts, reading them as English without a phone, and their next change is announced', async () => {
    const { upgraded, result, changed, outbox } = await upgradeKeepsAccounts(`sqlite:${join(dir, 'identity.sqlite')}`);
    expect(upgraded).toEqual(expect.objectContaining({ name: 'Old Account', locale: 'en', phone: null }));
    expect(result).toEqual({ ok: true });
    expect(changed).toEqual(expect.objectContaining({ locale: 'de', phone: '+491701234567' }));
    expect(outbox).toEqual([
      {
        topic: 'customers.customer-updated',
        data: {
          customerId: upgraded?.id,
          email: upgraded?.email,
          name: 'Old Account',
          locale: 'de',
          phone: '+491701234567',
          updatedAt: '2026-02-03T04:05:06.000Z',
        },
      },
    ]);
  });
});
