import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@shop/kit';
import { json } from '@shop/testkit/src/listen';
import { loadGatewayConfig } from '../../services/edge/src/gateway-config';
import { runGateway } from '../../services/edge/src/gateway-main';
import { services } from '../../services/edge/src/services';
import { type IngressRoute, ingressRouteFor, ingressRoutes } from './support/ingress';
import {
  find,
  gatewayOnlyServices,
  helmTemplate,
  type Manifest,
  ofKind,
  renderChart,
  requiredSecrets,
  setArgs,
  withoutGateway,
} from './support/manifests';
import { chartValues, registeredServices } from './support/platform';

const values = chartValues();
const chartServices = Object.keys(values.services).sort();
const defaults = renderChart(setArgs(requiredSecrets));
const deployment = find(defaults, 'Deployment', 'shop-gateway');
const container = deployment.spec.template.spec.containers[0];
const envOf = (manifests: Manifest[]): NodeJS.ProcessEnv =>
  Object.fromEntries(
    (
      find(manifests, 'Deployment', 'shop-gateway').spec.template.spec.containers[0].env as Array<{
        name: string;
        value: string;
      }>
    ).map((e) => [e.name, e.value]),
  );
const gatewayNames = services.map((manifest) => manifest.name);

describe('the gateway Deployment', () => {
  it('runs the gateway image, without a Dapr sidecar and without access to the Kubernetes API', () => {
    expect(container.image).toBe('ghcr.io/shop-platform/shop-gateway:0.1.0');
    const annotations = (deployment.spec.template.metadata.annotations ?? {}) as Record<string, string>;
    expect(Object.keys(annotations).filter((key) => key.startsWith('dapr.io/'))).toEqual([]);
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
  });

  it('gives it an environment the gateway reads: every service the chart deploys, at its Service', () => {
    const config = loadGatewayConfig(gatewayNames, envOf(defaults));
    expect(config.upstreams).toEqual(
      Object.fromEntries(chartServices.map((s) => [s, `http://shop-${s}.shop.svc.cluster.local`])),
    );
    for (const service of chartServices) {
      // The upstream URL names no port: the Service must answer on 80, on the container's http port.
      expect(find(defaults, 'Service', `shop-${service}`).spec.ports[0]).toMatchObject({
        name: 'http',
        port: 80,
        targetPort: 'http',
      });
    }
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: values.gateway.port,
      OPERATIONS_PORT: values.gateway.operationsPort,
      SHUTDOWN_GRACE_MS: 10_000,
      INTERNAL_ONLY_PATHS: values.ingress.internalOnlyPaths,
    });
    expect(container.ports).toEqual([
      { name: 'http', containerPort: values.gateway.port, protocol: 'TCP' },
      { name: 'operations', containerPort: values.gateway.operationsPort, protocol: 'TCP' },
    ]);
  });

  it('fronts no service the chart leaves out', () => {
    const manifests = renderChart([...setArgs(requiredSecrets), '--set', 'services.payments.enabled=false']);
    const config = loadGatewayConfig(gatewayNames, envOf(manifests));
    expect(Object.keys(config.upstreams).sort()).toEqual(chartServices.filter((s) => s !== 'payments'));
  });

  it('probes its own operations port: alive, and ready unless it is shutting down, whatever the services do', () => {
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'operations' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'operations' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'operations' });
  });

  it('scales with an autoscaling/v2 HPA and keeps one pod through disruptions', () => {
    const hpa = find(defaults, 'HorizontalPodAutoscaler', 'shop-gateway');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-gateway' });
    expect(deployment.spec.replicas).toBeUndefined();
    const podLabels = deployment.spec.template.metadata.labels;
    expect(podLabels).toMatchObject(find(defaults, 'PodDisruptionBudget', 'shop-gateway').spec.selector.matchLabels);
    expect(podLabels).toMatchObject(find(defaults, 'Service', 'shop-gateway').spec.selector);
    // No service's Service selects the gateway's pods, nor the gateway's Service theirs.
    for (const service of chartServices) {
      expect(podLabels).not.toMatchObject(find(defaults, 'Service', `shop-${service}`).spec.selector);
    }
  });

  it('is scraped on its operations port only, with the ServiceMonitors', () => {
    const monitored = renderChart([...setArgs(requiredSecrets), '--set', 'metrics.serviceMonitor.enabled=true']);
    const monitor = find(monitored, 'ServiceMonitor', 'shop-gateway');
    expect(monitor.spec.endpoints.map((e: { port: string; path: string }) => [e.port, e.path])).toEqual([
      ['operations', '/metrics'],
    ]);
    const ports = find(monitored, 'Service', 'shop-gateway').spec.ports.map((p: { name: string }) => p.name);
    expect(ports).toEqual(['http', 'operations']);
  });

  it('refuses an operations port equal to the public one', () => {
    const result = helmTemplate([...setArgs(requiredSecrets), '--set', 'gateway.operationsPort=8080']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('gateway.port and gateway.operationsPort must differ');
  });

  it('takes more environment variables, but none that would replace what the chart sets', () => {
    const extra = renderChart([...setArgs(requiredSecrets), '--set', 'gateway.env.IDLE_TIMEOUT_MS=60000']);
    expect(envOf(extra).IDLE_TIMEOUT_MS).toBe('60000');
    for (const name of ['UPSTREAM_CATALOG', 'INTERNAL_ONLY_PATHS', 'OPERATIONS_PORT']) {
      const result = helmTemplate([...setArgs(requiredSecrets), '--set-string', `gateway.env.${name}=x`]);
      expect([name, result.status]).toEqual([name, 1]);
      expect(result.stderr).toContain(`invalid propertyName '${name}'`);
    }
  });

  it('renders nothing of the gateway when it is off, and the Ingress then routes no catch-all', () => {
    const manifests = renderChart([...setArgs(requiredSecrets), ...withoutGateway]);
    expect(manifests.filter((m) => m.metadata.name === 'shop-gateway')).toEqual([]);
    expect(ingressRoutes(manifests).filter((r) => r.path === '/' || r.service === 'shop-gateway')).toEqual([]);
    expect(new Set(ingressRoutes(manifests).map((r) => r.service))).toEqual(
      new Set(chartServices.filter((s) => !gatewayOnlyServices.includes(s)).map((s) => `shop-${s}`)),
    );
  });
});

describe('the Ingress in front of the gateway', () => {
  const routes = ingressRoutes(defaults);
  const backendOf = (path: string) => ingressRouteFor(routes, path)?.service;

  it('sends /docs, /healthz, /readyz and every path no service owns to the gateway', () => {
    for (const path of [
      '/docs',
      '/docs/swagger-ui.css',
      '/healthz',
      '/readyz',
      '/',
      '/api/no-such-thing',
      '/api/productsX',
      '/openapi/nothing.json',
    ]) {
      expect([path, backendOf(path)]).toEqual([path, 'shop-gateway']);
    }
  });

  it("sends every service's public paths to the gateway, but the hub's straight to the hub", () => {
    const internalOnly = values.ingress.internalOnlyPaths;
    for (const service of registeredServices) {
      const backend = service.name === 'hub' ? 'shop-hub' : 'shop-gateway';
      for (const path of service.publicPaths.filter((p) => !internalOnly.includes(p))) {
        expect([path, backendOf(path)]).toEqual([path, backend]);
        expect([path, backendOf(`${path}/x`)]).toEqual([path, backend]);
      }
    }
  });

  it("reaches only the gateway's public port: /metrics and the operations port stay inside the cluster", () => {
    expect(new Set(routes.map((r) => r.port))).toEqual(new Set(['http']));
    expect(routes.filter((r) => r.path === '/metrics')).toEqual([]);
    expect(backendOf('/metrics')).toBe('shop-gateway');
  });
});

/** A stand-in for every service behind the gateway: ready, and recording what reached it. */
async function standIn(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ready' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the gateway as the chart configures it, behind the Ingress rules', () => {
  const routes: IngressRoute[] = ingressRoutes(defaults);

  it('answers what the Ingress sends it: the platform endpoints, 404s for /metrics and the internal paths, and proxies the APIs', async () => {
    const upstream = await standIn();
    const env = envOf(defaults);
    for (const key of Object.keys(env)) if (key.startsWith('UPSTREAM_')) env[key] = upstream.url;
    const log = createLogger({ name: 'gateway-chart-test', level: 'fatal' });
    const gateway = await runGateway({ env: { ...env, HOST: '127.0.0.1', PORT: '0', OPERATIONS_PORT: '0' }, log });
    const url = `http://127.0.0.1:${gateway.port}`;
    const through = (path: string, init?: RequestInit) => {
      expect([path, ingressRouteFor(routes, path)?.service]).toEqual([path, 'shop-gateway']);
      return fetch(`${url}${path}`, init);
    };
    try {
      const ready = await through('/readyz');
      expect(ready.status).toBe(200);
      expect(Object.keys((await json(ready)).checks).sort()).toEqual(chartServices);
      expect((await through('/docs')).status).toBe(200);
      expect(await json(await through('/healthz'))).toEqual({ status: 'ok' });
      const before = upstream.seen.filter((path) => path !== '/readyz').length;
      for (const path of ['/metrics', '/api/no-such-thing', '/api/v1/hubs/inventory', '/api/hubs/orders/:send']) {
        const res = await through(path, { method: path.startsWith('/api/') ? 'POST' : 'GET' });
        expect([path, res.status, res.headers.get('content-type')]).toEqual([
          path,
          404,
          expect.stringMatching(/^application\/problem\+json/),
        ]);
      }
      expect(upstream.seen.filter((path) => path !== '/readyz')).toHaveLength(before);
      // Every public path of a service but the hub's reaches the gateway, which sends it on.
      for (const manifest of services.filter((m) => m.name !== 'hub')) {
        for (const prefix of manifest.publicPaths) {
          const res = await through(`${prefix}/x`);
          expect([prefix, res.status]).toEqual([prefix, 200]);
          expect(upstream.seen).toContain(`${prefix}/x`);
        }
      }
      const metrics = await fetch(`http://127.0.0.1:${gateway.operationsPort}/metrics`);
      expect(metrics.status).toBe(200);
    } finally {
      await gateway.shutdown();
      await upstream.close();
    }
  });
});

it('keeps the gateway out of the per-service objects', () => {
  expect(ofKind(defaults, 'Subscription').flatMap((s) => s.scopes)).not.toContain('gateway');
  expect(find(defaults, 'Resiliency', 'shop-resiliency').scopes).not.toContain('gateway');
});
