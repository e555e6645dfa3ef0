import { bannerLines, boxed } from '../src/start-banner';

const facts = {
  origin: 'http://localhost:8080',
  hubConnectionString: 'Endpoint=http://localhost:8080;AccessKey=k;Version=1.0;',
  admin: { email: 'admin@shop.local', password: 'admin-dev-password' },
  demo: { email: 'ada@shop.local', password: 'tea-and-biscuits' },
  mailbox: true,
};

describe('the start banner', () => {
  it('lists the storefront, /admin, /docs, the mailbox, the hub connection string and both logins', () => {
    expect(bannerLines(facts)).toEqual([
      'Shop platform ready',
      '  storefront   http://localhost:8080/',
      '  admin        http://localhost:8080/admin',
      '  API docs     http://localhost:8080/docs',
      '  mailbox      http://localhost:8080/dev/mailbox',
      '  hub          Endpoint=http://localhost:8080;AccessKey=k;Version=1.0;',
      '  admin login  admin@shop.local / admin-dev-password',
      '  demo login   ada@shop.local / tea-and-biscuits',
    ]);
  });

  it('names the variable instead of an admin password of the operator’s own, and says when there is no demo shop', () => {
    const lines = bannerLines({ ...facts, admin: { email: 'ops@example.com' }, demo: undefined, mailbox: false });
    expect(lines).toContain('  admin login  ops@example.com / (SHOP_ADMIN_PASSWORD)');
    expect(lines).toContain('  demo login   (no demo data: SHOP_DEMO_DATA)');
    expect(lines.join('\n')).not.toContain('mailbox');
  });

  it('says when the demo shop was wanted but could not be seeded', () => {
    const lines = bannerLines({ ...facts, demo: undefined, demoMissing: '(could not be seeded)' });
    expect(lines).toContain('  demo login   (could not be seeded)');
  });

  it('boxes the lines to the longest one', () => {
    expect(boxed(['ab', 'abcd'])).toBe(['┌──────┐', '│ ab   │', '│ abcd │', '└──────┘'].join('\n'));
  });
});
