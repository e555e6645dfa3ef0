import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dockerfileFor, dockerfilePath, imageServices } from '../../tools/write-dockerfiles';
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

const services = imageServices();
const lint = (files: string[]) =>
  deployCheck<DockerfileReport[]>(['dockerfile', '--context', repoRoot, ...files.map((f) => join(repoRoot, f))]);
const fileOf = (service: string) => relative(repoRoot, dockerfilePath(service));
const { status, report } = lint(services.map(fileOf));
const reportOf = (service: string) => {
  const found = report.find((r) => r.file === dockerfilePath(service));
  if (!found) throw new Error(`no report for ${fileOf(service)}`);
  return found;
};
const runtimeOf = (service: string) => reportOf(service).stages.at(-1) as Stage;

describe('the Dockerfiles', () => {
  it('exist for every service with an image: each chart service, the all-in-one edge and the gateway', () => {
    expect(services).toEqual([...Object.keys(chartValues().services), 'edge', 'gateway'].sort());
    for (const service of services) expect(existsSync(dockerfilePath(service))).toBe(true);
    expect(fileOf('gateway')).toBe('services/edge/Dockerfile.gateway');
  });

  it.each(services)("%s's Dockerfile is what tools/write-dockerfiles.ts writes", (service) => {
    expect(readFileSync(dockerfilePath(service), 'utf8')).toBe(dockerfileFor(service));
  });

  it("pass BuildKit's parser and lint rules, and copy only what the build context holds", () => {
    const problems = report.flatMap((r) => [
      ...(r.error ? [`${r.file}: ${r.error}`] : []),
      ...r.warnings.map((w) => `${r.file}:${w.line}: ${w.rule}: ${w.message}`),
      ...r.context.map((c) => `${r.file}: ${c.rule}: ${c.message}`),
    ]);
    expect(problems).toEqual([]);
    expect(status).toBe(0);
  });

  it.each(services)('runs %s as a non-root user from its bundle, with a health check on /healthz', (service) => {
    const runtime = runtimeOf(service);
    expect(runtime.name).toBe('runtime');
    const [uid] = (runtime.user ?? '').split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(runtime.cmd).toEqual(['node', `dist/${service}/main.js`]);
    expect(runtime.cmdIsShell).toBeFalsy();
    expect(runtime.healthcheck?.[0]).toBe('CMD');
    expect(runtime.healthcheck?.join(' ')).toContain('/healthz');
    expect(runtime.env).toContain('NODE_ENV=production');
    expect(runtime.env).toContain('HOST=0.0.0.0');
  });

  it.each(services)(
    'builds %s in stages, the runtime one on the plain Node image with production packages only',
    (service) => {
      const stages = reportOf(service).stages;
      expect(stages.map((s) => s.name)).toEqual([
        'manifests',
        'dependencies',
        'build',
        'dev',
        'production-dependencies',
        'runtime',
      ]);
      // The runtime stage starts from the Node image itself, not from a stage that holds the build tools.
      const runtimeBase = runtimeOf(service).base;
      expect(runtimeBase).toBe(stages.find((s) => s.name === 'dependencies')?.base);
      expect(stages.map((s) => s.name)).not.toContain(runtimeBase);
      expect(readFileSync(dockerfilePath(service), 'utf8')).toContain('npm prune --omit=dev');
    },
  );

  it("listens on the port the chart's services and probes use", () => {
    for (const [service, values] of Object.entries(chartValues().services)) {
      expect(runtimeOf(service).expose).toEqual([String(values.port)]);
      expect(runtimeOf(service).env).toContain(`APP_PORT=${values.port}`);
    }
    expect(runtimeOf('edge').env).toContain('PORT=8080');
    const gateway = chartValues().gateway;
    expect(runtimeOf('gateway').expose).toEqual([String(gateway.port), String(gateway.operationsPort)]);
    expect(runtimeOf('gateway').env).toEqual(
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
