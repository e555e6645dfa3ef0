import { chartRuleGroups, dashboardExpressions, metricNamesIn } from '../deploy/support/monitoring';
import { baseUrl } from './support/base-url';

/**
 * The chart's alert rules and Grafana dashboards name only metrics the platform really exposes: every metric
 * an expression selects is on the running platform's /metrics. The embedded topology serves every service's
 * metrics on its one origin (the Dapr topology's gateway serves its own only), so this runs there.
 */
const embedded = process.env.E2E_BASE_URL === (process.env.E2E_EMBEDDED_URL ?? process.env.E2E_EMBEDDED_STARTED_URL);

/** Series Prometheus makes itself for every scrape target, not read from /metrics. */
const scrapeSeries = new Set(['up']);

/** The names a Prometheus scrape of this text stores: a histogram's buckets, sum and count included. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      const suffixes =
        kind === 'histogram' ? ['_bucket', '_sum', '_count'] : kind === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of suffixes) names.add(`${name}${suffix}`);
    } else if (line && !line.startsWith('#')) {
      names.add(line.split(/[{ ]/, 1)[0] as string);
    }
  }
  return names;
}

(embedded ? describe : describe.skip)('the monitoring expressions against the running platform', () => {
  let exposed: Set<string>;
  beforeAll(async () => {
    const res = await fetch(`${baseUrl()}/metrics`);
    expect(res.status).toBe(200);
    exposed = exposedNames(await res.text());
  });

  it('finds the metrics of every service on /metrics (the scrape read what it should)', () => {
    for (const name of ['http_server_request_duration_seconds_count', 'shop_outbox_backlog', 'signalr_connections']) {
      expect(exposed).toContain(name);
    }
  });

  it('names in the alert rules only metrics the platform exposes', () => {
    const unknown = chartRuleGroups()
      .flatMap((group) => group.rules)
      .flatMap((rule) => metricNamesIn(rule.expr).map((name) => ({ rule: rule.alert ?? rule.record, name })))
      .filter(({ name }) => !exposed.has(name) && !scrapeSeries.has(name));
    expect(unknown).toEqual([]);
  });

  it('names in the dashboards only metrics the platform exposes', () => {
    const unknown = dashboardExpressions()
      .flatMap((query) =>
        metricNamesIn(query.expr).map((name) => ({ dashboard: query.dashboard, panel: query.panel, name })),
      )
      .filter(({ name }) => !exposed.has(name) && !scrapeSeries.has(name));
    expect(unknown).toEqual([]);
  });
});
