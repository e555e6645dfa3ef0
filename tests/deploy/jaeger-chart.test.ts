import { parse } from 'yaml';
import { find, type Manifest, ofKind, renderChart, requiredSecrets, setArgs } from './support/manifests';

const jaegerOn = ['--set', 'jaeger.enabled=true'];
const defaults = renderChart(setArgs(requiredSecrets));
const withJaeger = renderChart([...setArgs(requiredSecrets), ...jaegerOn]);
const jaegerAddress = 'shop-jaeger.shop.svc.cluster.local:4317';

/** Every Deployment whose pods run a service or the gateway (Jaeger's own excepted). */
const platformDeployments = (manifests: Manifest[]) =>
  ofKind(manifests, 'Deployment').filter((deployment) => deployment.metadata.name !== 'shop-jaeger');
const envOf = (deployment: Manifest): Record<string, string | undefined> =>
  Object.fromEntries(
    (deployment.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>).map((e) => [
      e.name,
      e.value,
    ]),
  );
const sidecarEnvOf = (deployment: Manifest) => deployment.spec.template.metadata.annotations?.['dapr.io/env'];

describe('Jaeger in the chart (jaeger.enabled)', () => {
  it('is off by default: no Jaeger, and neither the sidecars nor the services export spans', () => {
    expect(defaults.filter((manifest) => manifest.metadata.name === 'shop-jaeger')).toEqual([]);
    for (const deployment of platformDeployments(defaults)) {
      expect([deployment.metadata.name, sidecarEnvOf(deployment)]).toEqual([deployment.metadata.name, undefined]);
      expect(envOf(deployment).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    }
  });

  it('runs one Jaeger, never two at once, from the configuration in its ConfigMap, ready when its health check says so', () => {
    const deployment = find(withJaeger, 'Deployment', 'shop-jaeger');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(container.args).toEqual(['--config=/etc/jaeger/config.yaml']);
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'shop-jaeger' } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/status', port: 'health' });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.automountServiceAccountToken).toBe(false);

    const config = parse(find(withJaeger, 'ConfigMap', 'shop-jaeger').data['config.yaml']);
    expect(config.service.pipelines.traces).toEqual({
      receivers: ['otlp'],
      processors: ['batch'],
      exporters: ['jaeger_storage_exporter'],
    });
    expect(config.extensions.jaeger_storage.backends.memstore.memory.max_traces).toBe(20000);
    expect(config.exporters.jaeger_storage_exporter.trace_storage).toBe('memstore');
    expect(config.extensions.jaeger_query.storage.traces).toBe('memstore');
    // What the container listens on is what its ports and its Service name.
    const listening = {
      'otlp-grpc': config.receivers.otlp.protocols.grpc.endpoint,
      'otlp-http': config.receivers.otlp.protocols.http.endpoint,
      query: config.extensions.jaeger_query.http.endpoint,
      health: config.extensions.healthcheckv2.http.endpoint,
    };
    const ports = container.ports as Array<{ name: keyof typeof listening; containerPort: number }>;
    for (const port of ports) expect(listening[port.name]).toBe(`0.0.0.0:${port.containerPort}`);
    const service = find(withJaeger, 'Service', 'shop-jaeger');
    expect(service.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
      ['otlp-grpc', 4317],
      ['otlp-http', 4318],
      ['query', 16686],
    ]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('has the sidecars and every service and the gateway export their spans to it over OTLP/gRPC', () => {
    const deployments = platformDeployments(withJaeger);
    expect(deployments.map((d) => d.metadata.name)).toContain('shop-gateway');
    for (const deployment of deployments) {
      const env = envOf(deployment);
      expect([deployment.metadata.name, env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_PROTOCOL]).toEqual([
        deployment.metadata.name,
        `http://${jaegerAddress}`,
        'grpc',
      ]);
      if (deployment.metadata.name === 'shop-gateway') continue;
      expect(sidecarEnvOf(deployment)).toBe(
        `OTEL_EXPORTER_OTLP_ENDPOINT=${jaegerAddress},OTEL_EXPORTER_OTLP_PROTOCOL=grpc,OTEL_EXPORTER_OTLP_INSECURE=true`,
      );
    }
  });

  it('leaves the export to dapr.tracing.otlpEndpoint when one is set (a collector that forwards to it)', () => {
    const manifests = renderChart([
      ...setArgs({ ...requiredSecrets, 'dapr.tracing.otlpEndpoint': 'collector.observability:4317' }),
      ...jaegerOn,
    ]);
    const orders = find(manifests, 'Deployment', 'shop-orders');
    expect(envOf(orders).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector.observability:4317');
    expect(sidecarEnvOf(orders)).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=collector.observability:4317,');
    expect(find(manifests, 'Deployment', 'shop-jaeger')).toBeDefined();
  });

  it('admits the release’s pods and jaeger.otlpClients to its OTLP ports, and only jaeger.uiClients to its UI', () => {
    const policyOf = (manifests: Manifest[]) => find(manifests, 'NetworkPolicy', 'shop-jaeger').spec;
    expect(policyOf(withJaeger).ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop' } } }],
        ports: [
          { port: 'otlp-grpc', protocol: 'TCP' },
          { port: 'otlp-http', protocol: 'TCP' },
        ],
      },
    ]);
    const collector = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'otel-collector' } } };
    const grafana = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
    const opened = policyOf(
      renderChart([
        ...setArgs(requiredSecrets),
        ...jaegerOn,
        '--set-json',
        `jaeger.otlpClients=${JSON.stringify([collector])}`,
        '--set-json',
        `jaeger.uiClients=${JSON.stringify([grafana])}`,
      ]),
    );
    expect(opened.ingress[0].from).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop' } } },
      collector,
    ]);
    expect(opened.ingress[1]).toEqual({ from: [grafana], ports: [{ port: 'query', protocol: 'TCP' }] });
  });
});
