import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { startIdentity } from './support/identity-platform';

describe('the admin account', () => {
  it('is created at start, and follows a changed password across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'identity-admin-'));
    const env = { SHOP_ADMIN_EMAIL: 'Ops@Shop.Test', SHOP_ADMIN_PASSWORD: 'first admin password' };
    const first = await startIdentity(env, dataDir);
    const token = (await first.login('ops@shop.test', 'first admin password')).accessToken;
    expect((jwt.decode(token) as jwt.JwtPayload).roles).toEqual(['admin']);
    await first.shutdown();

    const second = await startIdentity({ ...env, SHOP_ADMIN_PASSWORD: 'second admin password' }, dataDir);
    try {
      expect(
        (await second.post('/api/auth/login', { email: 'ops@shop.test', password: 'first admin password' })).status,
      ).toBe(401);
      const again = await second.login('ops@shop.test', 'second admin password');
      // Same signing key after the restart: a token from before still verifies.
      expect((await second.get('/api/customers/me', token)).status).toBe(200);
      expect((jwt.decode(again.accessToken) as jwt.JwtPayload).sub).toBe((jwt.decode(token) as jwt.JwtPayload).sub);
    } finally {
      await second.shutdown();
    }
  });
});
