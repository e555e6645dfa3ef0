import { readFileSync } from 'node:fs';
import type { TopologyDescription } from '@shop/testkit/src/dapr-topology';
import { chartRuleGroups, dashboardExpressions, metricNamesIn } from '../deploy/support/monitoring';
import { appUrls, baseUrl } from './support/base-url';

/**
 * The chart's alert rules and Grafana dashboards name only metrics the platform really exposes: every metric
 * an expression selects is on the running platform's /metrics. The embedded topology serves every service's
 * metrics on its one origin; in the Dapr topologies the gateway serves its own, and each service its own on its
 * app port (as Prometheus scrapes them in the cluster): the host one's read through the topology's description,
 * the compose one's published on loopback (E2E_APP_URLS).
 */
const embedded = process.env.E2E_TOPOLOGY === 'embedded';

function metricsUrls(): string[] {
  if (embedded) return [`${baseUrl()}/metrics`];
  const apps = appUrls();
  if (apps) return [`${baseUrl()}/metrics`, ...Object.values(apps).map((url) => `${url}/metrics`)];
  const file = process.env.E2E_DAPR_TOPOLOGY_FILE;
  if (!file) throw new Error('E2E_DAPR_TOPOLOGY_FILE is not set: run this suite through the e2e-dapr jest project');
  const description = JSON.parse(readFileSync(file, 'utf8')) as TopologyDescription;
  return [`${baseUrl()}/metrics`, ...description.members.map((member) => `http://127.0.0.1:${member.appPort}/metrics`)];
}

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

/** The Node.js a process scraped runs on, from prom-client's default `nodejs_version_info` series. */
function nodeVersionIn(text: string): string | undefined {
  return /^nodejs_version_info\{[^}]*version="([^"]+)"/m.exec(text)?.[1];
}

describe('the monitoring expressions against the running platform', () => {
  const exposed = new Set<string>();
  const nodeVersions = new Map<string, string | undefined>();
  beforeAll(async () => {
    for (const url of metricsUrls()) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of exposedNames(text)) exposed.add(name);
      nodeVersions.set(url, nodeVersionIn(text));
    }
  });

  // npm test runs a topology's suite on the second Node.js line with that Node first on PATH: this proves the
  // platform's processes really run on it (a process started by another Node would pass every other test). The
  // compose topology runs the images instead, every process on the one Node.js 24 they are built with
  // (`FROM node:24…`), whatever Node runs this suite. A platform the suite did not start (E2E_<KIND>_URL) runs on
  // whatever Node its owner chose.
  const topology = process.env.E2E_TOPOLOGY ?? 'external';
  const startedBySuite = topology !== 'external' && !process.env[`E2E_${topology.toUpperCase()}_URL`];
  (startedBySuite ? it : it.skip)('runs every process it scrapes on the Node.js it should', () => {
    expect(nodeVersions.size).toBeGreaterThan(0);
    const expected = topology === 'compose' ? [...nodeVersions.values()][0] : process.version;
    if (topology === 'compose') expect(expected).toMatch(/^v24\./);
    for (const [url, version] of nodeVersions) expect({ url, version }).toEqual({ url, version: expected });
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
