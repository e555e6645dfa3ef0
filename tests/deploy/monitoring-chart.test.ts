import { find, localValues, renderChart } from './support/manifests';
import {
  chartRuleGroups,
  dashboardExpressions,
  everyExpressionAsRules,
  metricNamesIn,
  type RuleGroup,
  runPromtool,
} from './support/monitoring';

/**
 * The chart's PrometheusRule, tested with Prometheus' own `promtool test rules`: every alert fires on the series
 * it watches for and stays quiet on healthy ones. Series carry the labels a ServiceMonitor scrape gives them
 * (namespace, job = the Kubernetes Service, pod) next to the services' own.
 */
const groups = chartRuleGroups();
const orders = { namespace: 'shop', job: 'shop-orders' };
const series = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;

interface AlertCase {
  alert: string;
  /** The series as `promtool test rules` takes them: one sample per minute. */
  input: Array<{ series: string; values: string }>;
  at: string;
  fires?: { labels: Record<string, string>; summary: string };
}

const runbook = (alert: string) => `docs/operations.md#${alert.toLowerCase()}`;

const cases: Array<[string, AlertCase]> = [
  [
    'an outbox row waiting over a minute fires ShopOutboxStale',
    {
      alert: 'ShopOutboxStale',
      input: [
        {
          series: series('shop_outbox_oldest_age_seconds', { ...orders, service: 'orders' }),
          values: '0 30 90 150 210',
        },
      ],
      at: '3m',
      fires: {
        labels: { severity: 'warning', ...orders },
        summary: 'shop-orders: an outbox event has waited 2m 30s to be published',
      },
    },
  ],
  [
    'an outbox row that waited a minute once and was then published is quiet',
    {
      alert: 'ShopOutboxStale',
      input: [
        { series: series('shop_outbox_oldest_age_seconds', { ...orders, service: 'orders' }), values: '0 90 0 0 0' },
      ],
      at: '3m',
    },
  ],
  [
    'a dead letter fires ShopDeadLetters at once',
    {
      alert: 'ShopDeadLetters',
      input: [
        {
          series: series('shop_dead_letters_total', { ...orders, topic: 'inventory.stock-reserved' }),
          values: '0 0 1 1 1',
        },
      ],
      at: '3m',
      fires: {
        labels: { severity: 'warning', ...orders, topic: 'inventory.stock-reserved' },
        summary: 'shop-orders: events of inventory.stock-reserved were dead-lettered',
      },
    },
  ],
  [
    'dead letters counted long ago are quiet',
    {
      alert: 'ShopDeadLetters',
      input: [
        { series: series('shop_dead_letters_total', { ...orders, topic: 'inventory.stock-reserved' }), values: '3x10' },
      ],
      at: '8m',
    },
  ],
  [
    'a tenth of the requests answered 5xx for five minutes fires ShopHighErrorRate',
    {
      alert: 'ShopHighErrorRate',
      input: [
        {
          series: series('http_server_request_duration_seconds_count', { ...orders, status: '500' }),
          values: '0+60x15',
        },
        {
          series: series('http_server_request_duration_seconds_count', { ...orders, status: '200' }),
          values: '0+540x15',
        },
      ],
      at: '8m',
      fires: {
        labels: { severity: 'critical', ...orders },
        summary: 'shop-orders answers 10% of its requests with 5xx',
      },
    },
  ],
  [
    'one request in a hundred answered 5xx is quiet',
    {
      alert: 'ShopHighErrorRate',
      input: [
        {
          series: series('http_server_request_duration_seconds_count', { ...orders, status: '500' }),
          values: '0+6x15',
        },
        {
          series: series('http_server_request_duration_seconds_count', { ...orders, status: '200' }),
          values: '0+594x15',
        },
      ],
      at: '8m',
    },
  ],
  [
    'an order Pending past its reservation (900 s) and the grace (120 s) fires ShopOrdersStuckPending',
    {
      alert: 'ShopOrdersStuckPending',
      input: [{ series: series('orders_pending_oldest_age_seconds', orders), values: '0+60x30' }],
      at: '20m',
      fires: {
        labels: { severity: 'critical', namespace: 'shop' },
        summary: "an order has been Pending for 20m 0s, past its reservation's 900 s",
      },
    },
  ],
  [
    'orders that each wait a few minutes are quiet',
    {
      alert: 'ShopOrdersStuckPending',
      input: [
        {
          series: series('orders_pending_oldest_age_seconds', orders),
          values: '0 60 120 180 0 60 120 180 0 60 120 180 600x20',
        },
      ],
      at: '30m',
    },
  ],
  [
    'hub sends failing for five minutes fire ShopHubSendFailures',
    {
      alert: 'ShopHubSendFailures',
      input: [
        {
          series: series('shop_hub_sends_total', {
            namespace: 'shop',
            job: 'shop-notifications',
            hub: 'notifications',
            outcome: 'failed',
          }),
          values: '0+1x20',
        },
      ],
      at: '8m',
      fires: {
        labels: { severity: 'warning', namespace: 'shop', job: 'shop-notifications', hub: 'notifications' },
        summary: 'shop-notifications cannot send to hub notifications',
      },
    },
  ],
  [
    'hub sends that succeed, after failures long ago, are quiet',
    {
      alert: 'ShopHubSendFailures',
      input: [
        {
          series: series('shop_hub_sends_total', {
            namespace: 'shop',
            job: 'shop-notifications',
            hub: 'notifications',
            outcome: 'failed',
          }),
          values: '2x20',
        },
        {
          series: series('shop_hub_sends_total', {
            namespace: 'shop',
            job: 'shop-notifications',
            hub: 'notifications',
            outcome: 'sent',
          }),
          values: '0+30x20',
        },
      ],
      at: '8m',
    },
  ],
  [
    'a readiness check failing for two minutes fires ShopServiceNotReady',
    {
      alert: 'ShopServiceNotReady',
      input: [
        {
          series: series('shop_readiness_check', { ...orders, pod: 'shop-orders-1', check: 'orders.database' }),
          values: '1 1 0 0 0 0',
        },
        {
          series: series('shop_readiness_check', { ...orders, pod: 'shop-orders-1', check: 'orders.sidecar' }),
          values: '1x5',
        },
      ],
      at: '5m',
      fires: {
        labels: { severity: 'critical', ...orders, pod: 'shop-orders-1' },
        summary: 'shop-orders (shop-orders-1) is not ready or not answering its scrape',
      },
    },
  ],
  [
    'a pod that stops answering its scrape fires ShopServiceNotReady',
    {
      alert: 'ShopServiceNotReady',
      input: [
        { series: series('up', { ...orders, pod: 'shop-orders-2', instance: '10.0.0.2:8080' }), values: '1 0 0 0 0 0' },
      ],
      at: '5m',
      fires: {
        labels: { severity: 'critical', ...orders, pod: 'shop-orders-2' },
        summary: 'shop-orders (shop-orders-2) is not ready or not answering its scrape',
      },
    },
  ],
  [
    'ready pods that answer their scrapes are quiet, as is a check failing for a moment',
    {
      alert: 'ShopServiceNotReady',
      input: [
        {
          series: series('shop_readiness_check', { ...orders, pod: 'shop-orders-1', check: 'orders.database' }),
          values: '1 0 1 1 1 1',
        },
        { series: series('up', { ...orders, pod: 'shop-orders-1', instance: '10.0.0.1:8080' }), values: '1x5' },
      ],
      at: '5m',
    },
  ],
];

function promtoolTest({ alert, input, at, fires }: AlertCase) {
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: input,
        alert_rule_test: [
          {
            eval_time: at,
            alertname: alert,
            exp_alerts: fires
              ? [{ exp_labels: fires.labels, exp_annotations: { summary: fires.summary, runbook: runbook(alert) } }]
              : [],
          },
        ],
      },
    ],
  };
}

describe('the PrometheusRule (metrics.prometheusRule.enabled)', () => {
  it('holds the six alerts, each tested below firing and quiet', () => {
    const alerts = groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts.sort()).toEqual(
      [
        'ShopDeadLetters',
        'ShopHighErrorRate',
        'ShopHubSendFailures',
        'ShopOrdersStuckPending',
        'ShopOutboxStale',
        'ShopServiceNotReady',
      ].sort(),
    );
    for (const alert of alerts) {
      expect(cases.filter(([, c]) => c.alert === alert && c.fires)).not.toHaveLength(0);
      expect(cases.filter(([, c]) => c.alert === alert && !c.fires)).not.toHaveLength(0);
    }
  });

  it('passes promtool check rules, and so does every dashboard query', () => {
    const result = runPromtool(['check', 'rules', 'rules.yaml'], {
      'rules.yaml': everyExpressionAsRules(groups, dashboardExpressions()),
    });
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.status).toBe(0);
  });

  it.each(cases)('%s (promtool test rules)', (_name, alertCase) => {
    const result = runPromtool(['test', 'rules', 'tests.yaml'], {
      'rules.yaml': { groups },
      'tests.yaml': promtoolTest(alertCase),
    });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('fails promtool test rules when the expected alert is not the one that fires (the runner can fail)', () => {
    const [, firing] = cases[0] as [string, AlertCase];
    const wrong = { ...firing, fires: { labels: { severity: 'critical', ...orders }, summary: 'something else' } };
    const result = runPromtool(['test', 'rules', 'tests.yaml'], {
      'rules.yaml': { groups },
      'tests.yaml': promtoolTest(wrong),
    });
    expect(result.status).not.toBe(0);
  });

  it("counts an order as stuck after the inventory's own reservation TTL, plus the grace", () => {
    const withTtl = (args: string[]): RuleGroup[] => chartRuleGroups(args);
    const stuck = (rendered: RuleGroup[]) =>
      rendered.flatMap((group) => group.rules).find((rule) => rule.alert === 'ShopOrdersStuckPending')?.expr;
    expect(stuck(groups)).toMatch(/> 1020$/);
    expect(
      stuck(
        withTtl([
          '--set-string',
          'services.inventory.env.RESERVATION_TTL_SECONDS=60',
          '--set',
          'metrics.prometheusRule.pendingGraceSeconds=30',
        ]),
      ),
    ).toMatch(/> 90$/);
  });
});

describe('metricNamesIn', () => {
  it.each([
    ['sum by (job) (rate(a_total{status=~"5..", job="x"}[5m])) / sum by (job) (rate(a_total[5m]))', ['a_total']],
    ['histogram_quantile(0.95, sum by (le) (rate(b_bucket[2m])))', ['b_bucket']],
    ['min by (pod) (c) < 1 or min by (pod) (up{job=~"shop-.*"}) < 1', ['c', 'up']],
    ['max(d offset 5m) > 1e3 and on (job) e', ['d', 'e']],
  ])('reads the metric names of %s', (expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });
});

describe('the Grafana dashboards (metrics.grafanaDashboards.enabled)', () => {
  const rendered = (args: string[]) => renderChart(['--values', localValues, ...args]);

  it('ships an overview and one dashboard per concern in a ConfigMap labelled for the Grafana sidecar', () => {
    const configMap = find(
      rendered(['--set', 'metrics.grafanaDashboards.enabled=true']),
      'ConfigMap',
      'shop-dashboards',
    );
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    const boards = Object.entries(configMap.data as Record<string, string>).map(([key, text]) => ({
      key,
      board: JSON.parse(text) as { uid: string; title: string; panels: unknown[] },
    }));
    expect(boards.map(({ key }) => key).sort()).toEqual([
      'shop-data.json',
      'shop-hub.json',
      'shop-orders-saga.json',
      'shop-overview.json',
    ]);
    expect(new Set(boards.map(({ board }) => board.uid)).size).toBe(boards.length);
    for (const { board } of boards) expect(board.panels.length).toBeGreaterThan(0);
  });

  it('renders neither the dashboards nor the rule unless asked', () => {
    const kinds = rendered([]).map((manifest) => `${manifest.kind}/${manifest.metadata.name}`);
    expect(kinds).not.toContain('ConfigMap/shop-dashboards');
    expect(kinds.filter((kind) => kind.startsWith('PrometheusRule/'))).toEqual([]);
  });
});
