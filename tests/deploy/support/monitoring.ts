import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot, run } from './deploy-tools';
import { chartDir, find, localValues, renderChart } from './manifests';

/**
 * The chart's monitoring pieces as the deploy and e2e suites check them: the PrometheusRule's rule groups, the
 * Grafana dashboards' expressions, promtool (built by tools/build-promtool.sh), and the metric names an expression
 * reads.
 */

export interface RuleGroup {
  name: string;
  rules: Array<{ alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }>;
}

/** The groups of the PrometheusRule the chart renders with its rule on (values-local.yaml, namespace `shop`). */
export function chartRuleGroups(args: string[] = []): RuleGroup[] {
  const manifests = renderChart(['--values', localValues, '--set', 'metrics.prometheusRule.enabled=true', ...args]);
  return find(manifests, 'PrometheusRule', 'shop').spec.groups as RuleGroup[];
}

export interface DashboardExpression {
  dashboard: string;
  panel: string;
  expr: string;
}

/**
 * Every panel query of the chart's dashboards, with Grafana's variables as Grafana would fill them in
 * ($namespace from the variable's values, $__rate_interval at least four scrape intervals).
 */
export function dashboardExpressions(): DashboardExpression[] {
  const dir = join(chartDir, 'dashboards');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => {
      const board = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
      };
      return board.panels.flatMap((panel) =>
        (panel.targets ?? []).map((target) => ({
          dashboard: basename(file, '.json'),
          panel: panel.title,
          expr: target.expr.replaceAll('$__rate_interval', '2m').replaceAll('$namespace', 'shop'),
        })),
      );
    });
}

/** promtool's path: built from the Prometheus Go module and cached (tools/build-promtool.sh). */
export function promtool(): string {
  if (process.env.SHOP_PROMTOOL) return process.env.SHOP_PROMTOOL;
  const path = execFileSync('bash', [join(repoRoot, 'tools', 'build-promtool.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  process.env.SHOP_PROMTOOL = path;
  return path;
}

/** Runs promtool in a fresh directory holding `files` (name → content); answers its status and output. */
export function runPromtool(args: string[], files: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'shop-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), typeof content === 'string' ? content : stringify(content));
    }
    return run(promtool(), args, { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Words of PromQL that are not metric names where they stand alone: operators, modifiers, literals.
const keywords = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names an expression selects. It runs on expressions promtool has parsed, so it needs to know only
 * where else PromQL has words: strings, label matchers and label lists (`{...}`, `by (...)`), range and subquery
 * durations, function and aggregation names (a word before `(`), keywords and numbers.
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  for (const match of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\()?)/g)) {
    const word = match[0];
    const start = match.index ?? 0;
    const before = text[start - 1];
    // Part of a number (1e3, 0x1f) or a duration (offset 5m).
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    if (match[1] === '(' || keywords.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}

/**
 * A rule file promtool checks: the chart's alert rules as they are, and every dashboard query as a recording rule,
 * so that `promtool check rules` parses each of them with Prometheus' own parser.
 */
export function everyExpressionAsRules(
  groups: RuleGroup[],
  dashboards: DashboardExpression[],
): { groups: RuleGroup[] } {
  return {
    groups: [
      ...groups,
      {
        name: 'dashboards',
        rules: dashboards.map((query, index) => ({
          record: `dashboard:${query.dashboard.replaceAll('-', '_')}:${index}`,
          expr: query.expr,
        })),
      },
    ],
  };
}
