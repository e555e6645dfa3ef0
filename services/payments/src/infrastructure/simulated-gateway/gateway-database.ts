/**
 * Where the simulated gateway keeps its vault and ledger when SIMULATED_GATEWAY_DATABASE_URL does not say:
 * a SQLite file of its own beside the payments one (SQLite has one writer, and the payments transaction that
 * calls the gateway holds it), otherwise the payments database itself, through a pool of its own.
 */
export function simulatedGatewayDatabaseUrl(paymentsDatabaseUrl: string): string {
  const sqlite = /^sqlite:(.*)$/i.exec(paymentsDatabaseUrl);
  if (!sqlite) return paymentsDatabaseUrl;
  const path = sqlite[1] ?? '';
  if (path === ':memory:') return paymentsDatabaseUrl;
  return `sqlite:${path.replace(/(\.sqlite3?|\.db)?$/, '-gateway$1')}`;
}
