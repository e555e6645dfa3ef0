// SQL statements per service, from the services' own metrics (`shop_db_query_duration_seconds_count{service,kind}`,
// every statement TypeORM runs, by its first keyword): read before and after a load, the difference per order is
// what an order costs each service's database, and its BEGINs are its transactions.
import { readFileSync } from 'node:fs';

export interface StatementCounts {
  /** Statements by service. */
  statements: Map<string, number>;
  /** Transactions (BEGIN statements) by service. */
  transactions: Map<string, number>;
}

const sample = /^shop_db_query_duration_seconds_count\{([^}]*)\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/;

/** Sums the counts of every `/metrics` text given (the embedded platform has one, the Dapr topology one per app). */
export function statementCountsOf(texts: string[]): StatementCounts {
  const counts: StatementCounts = { statements: new Map(), transactions: new Map() };
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const match = sample.exec(line);
      if (!match) continue;
      const labels = new Map(
        [...(match[1] as string).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
      );
      const service = labels.get('service') ?? '?';
      const n = Number(match[2]);
      counts.statements.set(service, (counts.statements.get(service) ?? 0) + n);
      if (['begin', 'start'].includes(labels.get('kind') ?? ''))
        counts.transactions.set(service, (counts.transactions.get(service) ?? 0) + n);
    }
  }
  return counts;
}

/** Reads the counts from each metrics URL; undefined when one does not answer them. */
export async function statementCounts(metricsUrls: string[]): Promise<StatementCounts | undefined> {
  try {
    const texts = await Promise.all(metricsUrls.map(async (url) => (await fetch(url)).text()));
    const counts = statementCountsOf(texts);
    return counts.statements.size > 0 ? counts : undefined;
  } catch {
    return undefined;
  }
}

/** The app ports' /metrics of a Dapr topology (tools/start-dapr.ts's topology.json). */
export function appMetricsUrlsOf(topologyFile: string): string[] {
  const description = JSON.parse(readFileSync(topologyFile, 'utf8')) as { members: Array<{ appPort: number }> };
  return description.members.map((member) => `http://127.0.0.1:${member.appPort}/metrics`);
}

/** "statements 97 (payments 22, …), transactions 12" per unit, from two readings. */
export function describeStatementsPer(before: StatementCounts, after: StatementCounts, units: number): string {
  const per = (map: 'statements' | 'transactions') =>
    [...after[map]]
      .map(([service, n]) => [service, (n - (before[map].get(service) ?? 0)) / units] as const)
      .filter(([, n]) => n >= 0.05)
      .sort((a, b) => b[1] - a[1]);
  const total = (entries: ReadonlyArray<readonly [string, number]>) => entries.reduce((sum, [, n]) => sum + n, 0);
  const statements = per('statements');
  const transactions = per('transactions');
  return (
    `SQL statements per order ${total(statements).toFixed(1)} (${statements.map(([s, n]) => `${s} ${n.toFixed(1)}`).join(', ')}), ` +
    `transactions ${total(transactions).toFixed(1)} (${transactions.map(([s, n]) => `${s} ${n.toFixed(1)}`).join(', ')})`
  );
}
