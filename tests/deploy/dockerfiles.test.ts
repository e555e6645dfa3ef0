import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleableServices } from '../../tools/bundle-service';
import { repoRoot } from './support/deploy-tools';
import { deployCheck } from './support/manifests';
import { chartValues } from './support/platform';

interface Stage {
  name: string;
  base: string;
  user?: string;
  healthcheck?: string[];
  cmd?: string[];
  cmdIsShell?: boolean;
  expose?: string[];
  env?: string[];
}
interface DockerfileReport {
  file: string;
  error?: string;
  warnings: Array<{ rule: string; message: string; line?: number }>;
  context: Array<{ rule: string; message: string }>;
  stages: Stage[];
}

const dockerfile = join(repoRoot, 'Dockerfile');
const lint = (files: string[]) =>
  deployCheck<DockerfileReport[]>(['dockerfile', '--context', repoRoot, ...files.map((f) => join(repoRoot, f))]);
const { status, report } = lint(['Dockerfile']);
const [only] = report;
const stages = only?.stages ?? [];
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}; there are ${stages.map((s) => s.name).join(', ')}`);
  return found;
};
const runtime = stage('runtime');

describe('the Dockerfile', () => {
  it('is one, for every service with an image: each chart service, the all-in-one edge and the gateway', () => {
    expect(bundleableServices()).toEqual([...Object.keys(chartValues().services), 'edge', 'gateway'].sort());
    const perService = readdirSync(join(repoRoot, 'services')).filter((name) =>
      readdirSync(join(repoRoot, 'services', name)).some((file) => file.startsWith('Dockerfile')),
    );
    expect(perService).toEqual([]);
    expect(existsSync(join(repoRoot, 'tools', 'write-dockerfiles.ts'))).toBe(false);
  });

  it("passes BuildKit's parser and lint rules, and copies only what the build context holds", () => {
    const problems = report.flatMap((r) => [
      ...(r.error ? [`${r.file}: ${r.error}`] : []),
      ...r.warnings.map((w) => `${r.file}:${w.line}: ${w.rule}: ${w.message}`),
      ...r.context.map((c) => `${r.file}: ${c.rule}: ${c.message}`),
    ]);
    expect(problems).toEqual([]);
    expect(status).toBe(0);
  });

  it('runs the service as a non-root user from its bundle, with a health check on /healthz', () => {
    const [uid] = (runtime.user ?? '').split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(runtime.cmd).toEqual(['node', 'main.js']);
    expect(runtime.cmdIsShell).toBeFalsy();
    expect(runtime.healthcheck?.[0]).toBe('CMD');
    expect(runtime.healthcheck?.join(' ')).toContain('/healthz');
    expect(runtime.env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'HOST=0.0.0.0']));
  });

  it('builds in stages: one dependency install and one build for every service, a dev stage for Tilt, and a runtime holding Node and the service alone', () => {
    expect(stages.map((s) => s.name)).toEqual([
      'manifests',
      'dependencies',
      'build',
      'dev',
      'service-packages',
      'node-only',
      'runtime',
    ]);
    const text = readFileSync(dockerfile, 'utf8');
    // SERVICE is declared after the shared stages, so a builder reuses them for every image.
    const build = text.slice(text.indexOf('AS build'), text.indexOf('AS dev'));
    expect(build).not.toContain('SERVICE');
    expect(text).toContain('npm ci');
    // The runtime starts from nothing but the files of Node (taken from NODE_IMAGE) and the service's packages.
    expect(runtime.base).toBe('scratch');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's build argument, as its FROM lines write it.
    const nodeImage = '${NODE_IMAGE}';
    expect(stage('node-only').base).toBe(nodeImage);
    expect(stage('dependencies').base).toBe(nodeImage);
    expect(stage('dev').base).toBe('build');
  });

  it("listens on the ports the chart's services, probes and gateway use", () => {
    for (const values of Object.values(chartValues().services)) {
      expect(runtime.expose).toContain(String(values.port));
      expect(runtime.env).toContain(`APP_PORT=${values.port}`);
    }
    const gateway = chartValues().gateway;
    expect(runtime.expose).toEqual(expect.arrayContaining([String(gateway.port), String(gateway.operationsPort)]));
    expect(runtime.env).toEqual(
      expect.arrayContaining([`PORT=${gateway.port}`, `OPERATIONS_PORT=${gateway.operationsPort}`]),
    );
  });

  it('leaves tests, deployment files and local data out of the build context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['.git', '**/node_modules', 'dist', '.data', 'tests', 'charts', 'k8s']) {
      expect(ignored).toContain(pattern);
    }
  });
});

describe('the Dockerfile lint', () => {
  it('reports lint rule violations, a source .dockerignore excludes and a missing source', () => {
    const result = lint(['tests/deploy/fixtures/Dockerfile.bad']);
    expect(result.status).toBe(1);
    const [bad] = result.report;
    expect(bad?.warnings.map((w) => w.rule).sort()).toEqual([
      'FromAsCasing',
      'JSONArgsRecommended',
      'LegacyKeyValueFormat',
      'MaintainerDeprecated',
      'StageNameCasing',
      'WorkdirRelativePath',
    ]);
    expect(bad?.context.map((c) => c.rule).sort()).toEqual(['CopyIgnoredFile', 'CopySourceMissing']);
  });

  it('reports a Dockerfile BuildKit cannot read', () => {
    const result = lint(['tests/deploy/fixtures/Dockerfile.unreadable']);
    expect(result.status).toBe(1);
    expect(result.report[0]?.error).toBeTruthy();
  });
});
