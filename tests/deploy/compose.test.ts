import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './support/deploy-tools';
import { deployCheck } from './support/manifests';
import { chartValues, externallyRoutedPaths, hubContractPaths, registeredServices } from './support/platform';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  network_mode?: string;
  environment?: Record<string, string>;
  volumes?: Array<{ type: string; source: string; target: string; read_only?: boolean }>;
  depends_on?: Record<string, { condition: string }>;
  ports?: Array<{ target: number; published: string; host_ip: string }>;
}
interface ComposeReport {
  error?: string;
  services: Record<string, ComposeService>;
  configs: Record<string, string>;
}

const composeFile = join(repoRoot, 'docker-compose.yml');
const { status, report } = deployCheck<ComposeReport>(['compose', composeFile]);
const apps = Object.keys(chartValues().services).sort();
const argOf = (command: string[] | undefined, flag: string) => command?.[command.indexOf(flag) + 1];

describe('docker-compose.yml', () => {
  it('loads with the Compose specification loader (schema, interpolation, references)', () => {
    expect(report.error).toBeUndefined();
    expect(status).toBe(0);
  });

  it.each(apps)('runs %s from its own image beside a daprd sidecar in its network namespace', (app) => {
    const service = report.services[app];
    expect(service?.build).toMatchObject({
      context: repoRoot,
      dockerfile: `services/${app}/Dockerfile`,
      target: 'runtime',
    });
    const sidecar = report.services[`${app}-dapr`];
    expect(sidecar?.image).toBe('daprio/daprd:1.18.3');
    expect(sidecar?.network_mode).toBe(`service:${app}`);
    expect(argOf(sidecar?.command, '--app-id')).toBe(app);
    expect(argOf(sidecar?.command, '--app-port')).toBe(service?.environment?.APP_PORT);
    expect(argOf(sidecar?.command, '--dapr-http-port')).toBe(service?.environment?.DAPR_HTTP_PORT);
    expect(argOf(sidecar?.command, '--resources-path')).toBe('/components');
    expect(argOf(sidecar?.command, '--config')).toBe('/components/compose/config.yaml');
    expect(sidecar?.environment).toEqual({ REDIS_HOST: 'redis:6379' });
    expect(sidecar?.volumes).toContainEqual(
      expect.objectContaining({
        type: 'bind',
        source: join(repoRoot, 'components'),
        target: '/components',
        read_only: true,
      }),
    );
    expect(sidecar?.depends_on).toMatchObject({
      [app]: { condition: 'service_started' },
      redis: { condition: 'service_healthy' },
    });
  });

  it.each(apps.filter((app) => chartValues().services[app]?.database.enabled))(
    'gives %s its own PostgreSQL database, created at the first start',
    (app) => {
      expect(report.services[app]?.environment?.DATABASE_URL).toMatch(
        new RegExp(`^postgres://shop:[^@]+@postgres:5432/${app}$`),
      );
      expect(report.configs['postgres-databases']).toContain(`CREATE DATABASE ${app};`);
    },
  );

  it('uses a Configuration of its own whose name resolution every sidecar shares', () => {
    const config = parse(readFileSync(join(repoRoot, 'components', 'compose', 'config.yaml'), 'utf8'));
    const selfHosted = parse(readFileSync(join(repoRoot, 'components', 'config.yaml'), 'utf8'));
    expect(config.spec.nameResolution.component).toBe('sqlite');
    expect(config.spec.nameResolution.configuration.connectionString).toMatch(/^\/dapr-name-resolution\//);
    expect(config.spec.nameResolution.configuration.cleanupInterval).toBe('0');
    expect(config.spec.tracing).toEqual(selfHosted.spec.tracing);
    expect(config.spec.metrics).toEqual(selfHosted.spec.metrics);
    for (const app of apps) {
      expect(report.services[`${app}-dapr`]?.volumes).toContainEqual(
        expect.objectContaining({ type: 'volume', source: 'dapr-name-resolution', target: '/dapr-name-resolution' }),
      );
    }
  });

  it('publishes only the gateway, on loopback', () => {
    const published = Object.entries(report.services).filter(([, service]) => (service.ports ?? []).length > 0);
    expect(published.map(([name]) => name)).toEqual(['gateway']);
    expect(report.services.gateway?.ports).toEqual([
      expect.objectContaining({ target: 8080, host_ip: '127.0.0.1', published: '8080' }),
    ]);
  });
});

describe('the compose gateway', () => {
  // The nginx configuration's regular-expression locations, in order, with the upstream each sets.
  const locations = [
    ...(report.configs.gateway ?? '').matchAll(/location ~ (\S+)\s*\{\s*set \$upstream http:\/\/([^:;]+):3000;/g),
  ].map(([, pattern, upstream]) => ({ pattern: new RegExp(pattern ?? ''), upstream: upstream ?? '' }));
  const upstreamFor = (path: string): string | undefined => {
    const location = locations.find((l) => l.pattern.test(path));
    if (!location) return undefined;
    return location.upstream === '$1' ? path.replace(location.pattern, '$1').split('.')[0] : location.upstream;
  };
  const internalOnly = chartValues().ingress.internalOnlyPaths;

  it('routes every public path of every service, and paths under it, to that service', () => {
    const hub = registeredServices.find((s) => s.name === 'hub') ?? { name: 'hub', publicPaths: hubContractPaths };
    const routed = [...registeredServices.filter((s) => s.name !== 'hub'), hub];
    for (const service of routed) {
      for (const path of externallyRoutedPaths(service, internalOnly)) {
        expect([path, upstreamFor(path)]).toEqual([path, service.name]);
        expect([`${path}/x`, upstreamFor(`${path}/x`)]).toEqual([`${path}/x`, service.name]);
        expect([`${path}x`, upstreamFor(`${path}x`)]).toEqual([`${path}x`, undefined]);
      }
    }
  });

  it("routes each service's OpenAPI document to it", () => {
    for (const app of apps) {
      const location = locations.find((l) => l.pattern.test(`/openapi/${app}.json`));
      expect(location && `/openapi/${app}.json`.replace(location.pattern, location.upstream)).toBe(app);
    }
  });

  it("keeps the hub's Azure SignalR REST API unrouted", () => {
    for (const path of ['/api/v1/hubs/inventory', '/api/hubs/orders/:send']) expect(upstreamFor(path)).toBeUndefined();
  });

  it('upgrades WebSockets and does not buffer Server-Sent Events on /hubs', () => {
    const hubBlock = (report.configs.gateway ?? '').split('location ~ ^/hubs')[1]?.split('}')[0] ?? '';
    expect(hubBlock).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(hubBlock).toContain('proxy_buffering off;');
  });
});

describe('the compose check', () => {
  it('reports a sidecar attached to a service that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-compose-'));
    const broken = join(dir, 'docker-compose.yml');
    writeFileSync(
      broken,
      readFileSync(composeFile, 'utf8')
        .replace('network_mode: service:orders', 'network_mode: service:order')
        .replaceAll('./components', join(repoRoot, 'components')),
    );
    const result = deployCheck<ComposeReport>(['compose', broken]);
    rmSync(dir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.report.error).toContain('undefined service "order"');
  });
});
