/** What a newcomer needs after `npm start`: where to go and how to sign in. */
export interface BannerFacts {
  /** The origin as a browser reaches it (http://localhost:8080). */
  origin: string;
  /** The hub's Azure SignalR connection string (its key hidden in production). */
  hubConnectionString: string;
  admin: { email: string; password?: string };
  /** The demo customer, when the demo shop is there. */
  demo?: { email: string; password: string };
  /** What the demo login row says without one; that SHOP_DEMO_DATA turned it off unless told. */
  demoMissing?: string;
  /** The development mailbox page, when emails are caught in-process. */
  mailbox?: boolean;
}

/**
 * The banner as lines: the storefront, the admin dashboard, the API docs, the mailbox, the hub's connection string
 * and the logins. A password is shown only when it is no secret (the development default, the demo customer's).
 */
export function bannerLines(facts: BannerFacts): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(12)} ${value}`;
  return [
    'Shop platform ready',
    row('storefront', `${facts.origin}/`),
    row('admin', `${facts.origin}/admin`),
    row('API docs', `${facts.origin}/docs`),
    ...(facts.mailbox ? [row('mailbox', `${facts.origin}/dev/mailbox`)] : []),
    row('hub', facts.hubConnectionString),
    row('admin login', `${facts.admin.email} / ${facts.admin.password ?? '(SHOP_ADMIN_PASSWORD)'}`),
    row(
      'demo login',
      facts.demo
        ? `${facts.demo.email} / ${facts.demo.password}`
        : (facts.demoMissing ?? '(no demo data: SHOP_DEMO_DATA)'),
    ),
  ];
}

/** A box around the lines, for a terminal. */
export function boxed(lines: string[]): string {
  const width = Math.max(...lines.map((line) => line.length));
  const bar = '─'.repeat(width + 2);
  return [`┌${bar}┐`, ...lines.map((line) => `│ ${line.padEnd(width)} │`), `└${bar}┘`].join('\n');
}
