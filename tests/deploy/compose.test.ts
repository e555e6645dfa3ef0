import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../services/edge/src/gateway-config';
import { gatewayRoutes } from '../../services/edge/src/gateway-main';
import { services } from '../../services/edge/src/services';
import { repoRoot } from './support/deploy-tools';
import { deployCheck } from './support/manifests';
import { chartValues, registeredServices } from './support/platform';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  command?: string[];
  network_mode?: string;
  environment?: Record<string, string>;
  volumes?: Array<{ type: string; source: string; target: string; read_only?: boolean }>;
  depends_on?: Record<string, { condition: string }>;
  ports?: Array<{ target: number; published: string; host_ip: string }>;
  healthcheck?: { test: string[] };
  init?: boolean;
  restart?: string;
  ulimits?: Record<string, { soft: number; hard: number }>;
  profiles?: string[];
}
interface ComposeReport {
  error?: string;
  services: Record<string, ComposeService>;
}

const composeFile = join(repoRoot, 'docker-compose.yml');
const databasesFile = join('tools', 'compose', 'postgres-databases.sql');
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
      dockerfile: 'Dockerfile',
      target: 'runtime',
      args: { SERVICE: app },
    });
    const sidecar = report.services[`${app}-dapr`];
    expect(sidecar?.image).toBe('daprio/daprd:1.18.3');
    expect(sidecar?.network_mode).toBe(`service:${app}`);
    expect(argOf(sidecar?.command, '--app-id')).toBe(app);
    expect(argOf(sidecar?.command, '--app-port')).toBe(service?.environment?.APP_PORT);
    expect(argOf(sidecar?.command, '--dapr-http-port')).toBe(service?.environment?.DAPR_HTTP_PORT);
    expect(argOf(sidecar?.command, '--resources-path')).toBe('/components');
    expect(argOf(sidecar?.command, '--config')).toBe('/components/compose/config.yaml');
    // The pair of mesh tokens: what daprd sends the app, and what it requires of the app.
    const { SHOP_SECRET_HUB_CONNECTION_STRING: hubConnection, ...sidecarEnvironment } = sidecar?.environment ?? {};
    expect(sidecarEnvironment).toEqual({
      REDIS_HOST: 'redis:6379',
      APP_API_TOKEN: service?.environment?.APP_API_TOKEN,
      DAPR_API_TOKEN: service?.environment?.DAPR_API_TOKEN,
      // Traces: off while the endpoint is empty; the app and its sidecar export to the same one.
      OTEL_EXPORTER_OTLP_ENDPOINT: service?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
    });
    // The notifications and analytics sidecars alone hold the hub's connection string (components/hub-signalr.yaml).
    expect(hubConnection !== undefined).toBe(app === 'notifications' || app === 'analytics');
    expect(service?.environment?.APP_API_TOKEN?.length).toBeGreaterThanOrEqual(32);
    expect(service?.environment?.DAPR_API_TOKEN?.length).toBeGreaterThanOrEqual(32);
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
      redis: { condition: 'service_started' },
    });
  });

  it.each(apps.filter((app) => chartValues().services[app]?.database.enabled))(
    'gives %s its own PostgreSQL database, created at the first start',
    (app) => {
      expect(report.services[app]?.environment?.DATABASE_URL).toMatch(
        new RegExp(`^postgres://shop:[^@]+@postgres:5432/${app}$`),
      );
      expect(report.services.postgres?.volumes).toContainEqual(
        expect.objectContaining({
          type: 'bind',
          source: join(repoRoot, databasesFile),
          target: '/docker-entrypoint-initdb.d/databases.sql',
          read_only: true,
        }),
      );
      expect(readFileSync(join(repoRoot, databasesFile), 'utf8')).toContain(`CREATE DATABASE ${app};`);
    },
  );

  // Podman runs no health check by itself and podman-compose ignores conditions; Debian's docker-compose 1.29 would
  // wait forever on one. Every container restarts instead until what it needs answers.
  it('starts in an order that waits on no health check', () => {
    const conditions = Object.entries(report.services).flatMap(([name, service]) =>
      Object.entries(service.depends_on ?? {}).map(([dependency, { condition }]) => ({ name, dependency, condition })),
    );
    expect(conditions.length).toBeGreaterThan(apps.length * 2);
    expect(conditions.filter(({ condition }) => condition !== 'service_started')).toEqual([]);
    for (const [name, service] of Object.entries(report.services)) {
      expect([name, service.restart]).toEqual([name, 'unless-stopped']);
    }
  });

  it('writes its health checks in the CMD-SHELL form, which Docker and Podman both read alike', () => {
    const checked = Object.entries(report.services).filter(([, service]) => service.healthcheck);
    expect(checked.map(([name]) => name).sort()).toEqual(['postgres', 'redis']);
    for (const [, service] of checked) expect(service.healthcheck?.test[0]).toBe('CMD-SHELL');
  });

  it('runs every Node process and sidecar under an init, within the open files a CI machine allows', () => {
    const nodeAndDaprd = Object.keys(report.services).filter((name) => !['postgres', 'redis'].includes(name));
    for (const name of nodeAndDaprd) expect([name, report.services[name]?.init]).toEqual([name, true]);
    for (const [name, service] of Object.entries(report.services)) {
      expect([name, service.ulimits?.nofile?.hard]).toEqual([name, expect.any(Number)]);
      expect(service.ulimits?.nofile?.hard).toBeLessThanOrEqual(20_000);
      // Podman's Docker API sets a limit left out to its own default, above what the machine allows.
      expect(service.ulimits?.nproc?.hard).toBeLessThanOrEqual(32_768);
    }
  });

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

  it("publishes only the gateway and Jaeger's UI, on loopback", () => {
    const published = Object.entries(report.services).filter(([, service]) => (service.ports ?? []).length > 0);
    expect(published.map(([name]) => name).sort()).toEqual(['gateway', 'jaeger']);
    // The dev mailbox's SMTP port stays inside: nothing outside the compose network sends mail through it.
    expect(report.services.gateway?.ports).toEqual([
      expect.objectContaining({ target: 8080, host_ip: '127.0.0.1', published: '8080' }),
    ]);
  });

  it('runs Jaeger only with the observability profile, its UI on loopback, and traces nothing by default', () => {
    const jaeger = report.services.jaeger;
    expect(jaeger?.profiles).toEqual(['observability']);
    expect(jaeger?.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(jaeger?.ports).toEqual([
      expect.objectContaining({ target: 16686, host_ip: '127.0.0.1', published: '16686' }),
    ]);
    // Every other service runs without a profile; their OTLP endpoint is empty (tracing off) unless set when started.
    const others = Object.entries(report.services).filter(([name]) => name !== 'jaeger');
    expect(others.filter(([, service]) => (service.profiles ?? []).length > 0)).toEqual([]);
    const exporters = [...apps, ...apps.map((app) => `${app}-dapr`), 'gateway'];
    for (const name of exporters) {
      expect([name, report.services[name]?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([name, '']);
    }
  });

  it("sends the notifications service's email to the gateway's dev mailbox, From: the contract's default sender", () => {
    const mailbox = loadGatewayConfig(
      services.map((manifest) => manifest.name),
      report.services.gateway?.environment ?? {},
    );
    expect(mailbox.DEV_MAILBOX_SMTP_PORT).toBe(1025);
    expect(report.services.notifications?.environment).toMatchObject({
      SMTP_URL: `smtp://gateway:${mailbox.DEV_MAILBOX_SMTP_PORT}`,
      MAIL_FROM: 'Shop <no-reply@shop.local>',
    });
  });

  it.each(['notifications', 'analytics'])(
    "lets %s send through the hub binding to the hub's REST API, with the hub's access key",
    (app) => {
      expect(report.services[`${app}-dapr`]?.environment?.SHOP_SECRET_HUB_CONNECTION_STRING).toBe(
        `Endpoint=http://hub:${report.services.hub?.environment?.APP_PORT};AccessKey=${report.services.hub?.environment?.HUB_ACCESS_KEY};Version=1.0;`,
      );
    },
  );
});

describe('the compose gateway', () => {
  const gateway = report.services.gateway;
  const config = () =>
    loadGatewayConfig(
      services.map((manifest) => manifest.name),
      gateway?.environment ?? {},
    );

  it('runs the gateway image', () => {
    expect(gateway?.build).toMatchObject({
      context: repoRoot,
      dockerfile: 'Dockerfile',
      target: 'runtime',
      args: { SERVICE: 'gateway' },
    });
    expect(gateway?.depends_on).toEqual(
      Object.fromEntries(apps.map((app) => [app, expect.objectContaining({ condition: 'service_started' })])),
    );
  });

  it('fronts every service at its container, on the port the service listens on', () => {
    expect(config().upstreams).toEqual(
      Object.fromEntries(apps.map((app) => [app, `http://${app}:${report.services[app]?.environment?.APP_PORT}`])),
    );
  });

  it('routes the public paths of the manifests, so every service and path is routed as on Kubernetes', () => {
    const routes = gatewayRoutes(services, config().upstreams);
    expect(routes.map((route) => [route.service, route.prefixes])).toEqual(
      registeredServices.map((service) => [service.name, service.publicPaths]),
    );
  });

  it("keeps the hub's Azure SignalR REST API unrouted", () => {
    expect(config().INTERNAL_ONLY_PATHS).toEqual(expect.arrayContaining(chartValues().ingress.internalOnlyPaths));
  });

  it('serves /metrics on its one published port, as the local topologies do', () => {
    expect(config().OPERATIONS_PORT).toBeUndefined();
    expect(config().PORT).toBe(8080);
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
