import { describeStatementsPer, statementCountsOf } from './statement-counts';

const metricsText = (payments: number, begins: number) =>
  [
    '# HELP shop_db_query_duration_seconds Duration of database statements, by service and kind (first keyword)',
    '# TYPE shop_db_query_duration_seconds histogram',
    `shop_db_query_duration_seconds_bucket{le="0.001",service="payments",kind="select"} 3`,
    `shop_db_query_duration_seconds_count{service="payments",kind="select"} ${payments}`,
    `shop_db_query_duration_seconds_count{service="payments",kind="begin"} ${begins}`,
    `shop_db_query_duration_seconds_count{service="orders",kind="start"} ${begins}`,
    `shop_db_query_duration_seconds_sum{service="orders",kind="start"} 0.5`,
    'shop_http_requests_total{service="orders"} 1000',
  ].join('\n');

describe('SQL statements per order from the services’ metrics', () => {
  it('sums every statement kind per service and counts BEGIN and START as transactions, over every text', () => {
    const counts = statementCountsOf([metricsText(10, 2), metricsText(5, 1)]);
    expect(counts.statements).toEqual(
      new Map([
        ['payments', 18],
        ['orders', 3],
      ]),
    );
    expect(counts.transactions).toEqual(
      new Map([
        ['payments', 3],
        ['orders', 3],
      ]),
    );
  });

  it('describes the difference of two readings per order, largest first', () => {
    const before = statementCountsOf([metricsText(10, 2)]);
    const after = statementCountsOf([metricsText(50, 6)]);
    expect(describeStatementsPer(before, after, 4)).toBe(
      'SQL statements per order 12.0 (payments 11.0, orders 1.0), transactions 2.0 (payments 1.0, orders 1.0)',
    );
  });
});
