import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from './support/deploy-tools';
import {
  deployCheck,
  find,
  helmTemplate,
  type KubeconformResource,
  kubeconform,
  localValues,
  problemsOf,
  readManifests,
  renderChart,
  requiredSecrets,
  setArgs,
  withoutGateway,
} from './support/manifests';

function rendered(args: string[]): string {
  const result = helmTemplate(args);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

function expectAllValid(resources: KubeconformResource[], expectedCount: number): void {
  expect(problemsOf(resources)).toEqual([]);
  expect(resources).toHaveLength(expectedCount);
}

const k8sDir = join(repoRoot, 'k8s');
// kind's cluster config is read by kind, not applied to a cluster: it is checked against kind's own types below.
const clusterManifests = readdirSync(k8sDir)
  .filter((file) => /\.ya?ml$/.test(file) && file !== 'kind-cluster.yaml')
  .map((file) => join(k8sDir, file));

describe('every rendered manifest against the Kubernetes and CRD schemas', () => {
  it.each([
    ['the default values', setArgs(requiredSecrets)],
    ['values-local.yaml', ['--values', localValues]],
    [
      'every optional part switched on',
      [
        ...setArgs({
          ...requiredSecrets,
          'ingress.host': 'shop.example.com',
          'ingress.tls.secretName': 'shop-tls',
          'dapr.redis.passwordSecret.name': 'redis-auth',
          'dapr.redis.passwordSecret.key': 'password',
          'dapr.tracing.otlpEndpoint': 'otel:4317',
        }),
        '--set',
        'ingress.tls.enabled=true,metrics.serviceMonitor.enabled=true,metrics.grafanaDashboards.enabled=true,dapr.redis.enableTLS=true',
        '--set',
        'metrics.prometheusRule.enabled=true,jaeger.enabled=true',
        '--set',
        'services.catalog.autoscaling.targetMemoryUtilizationPercentage=80',
        '--set',
        'dapr.secretStore.readableSecrets={payment-provider}',
        '--set-json',
        'networkPolicy.hubRestApiClients=[{"namespaceSelector":{"matchLabels":{"team":"notify"}}},{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}]',
        '--set-json',
        'networkPolicy.datastores=[{"name":"redis","podSelector":{"matchLabels":{"app":"redis"}},"ports":[6379],"from":[{"podSelector":{"matchLabels":{"app":"backup"}}}]}]',
        '--set-json',
        'secrets.meshTokens.existingSecrets={"catalog":{"daprApiToken":"catalog-dapr","appApiToken":"catalog-app"}}',
      ],
    ],
    ['no gateway', [...setArgs(requiredSecrets), ...withoutGateway]],
  ])('validates the chart rendered with %s', (_name, args) => {
    const text = rendered(args);
    const documents = text.split(/^---$/m).filter((doc) => /^kind:/m.test(doc)).length;
    expectAllValid(kubeconform({ text }), documents);
  });

  it('validates every Dapr CRD kind the chart renders, the ServiceMonitor, the PrometheusRule and the NetworkPolicies', () => {
    const resources = kubeconform({
      text: rendered([
        ...setArgs(requiredSecrets),
        '--set',
        'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true',
      ]),
    });
    expect(problemsOf(resources)).toEqual([]);
    const kinds = new Set(resources.map((r) => `${r.version}/${r.kind}`));
    for (const kind of [
      'dapr.io/v1alpha1/Component',
      'dapr.io/v1alpha1/Configuration',
      'dapr.io/v1alpha1/Resiliency',
      'dapr.io/v2alpha1/Subscription',
      'monitoring.coreos.com/v1/ServiceMonitor',
      'monitoring.coreos.com/v1/PrometheusRule',
      'apps/v1/Deployment',
      'autoscaling/v2/HorizontalPodAutoscaler',
      'policy/v1/PodDisruptionBudget',
      'networking.k8s.io/v1/Ingress',
      'networking.k8s.io/v1/NetworkPolicy',
      'v1/Secret',
    ]) {
      expect(kinds).toContain(kind);
    }
  });
});

describe('k8s/', () => {
  it('validates every manifest of the development cluster', () => {
    const count = clusterManifests.reduce((sum, file) => sum + readManifests(file).length, 0);
    expect(clusterManifests.map((file) => file.slice(k8sDir.length + 1)).sort()).toEqual([
      'mailpit.yaml',
      'namespace.yaml',
      'otel-collector.yaml',
      'redis.yaml',
      'sqlserver-init.yaml',
      'sqlserver.yaml',
    ]);
    expectAllValid(kubeconform({ files: clusterManifests }), count);
  });

  it('reads the kind cluster config as kind does, with the ingress ports mapped', () => {
    const { status, report } = deployCheck<{
      error?: string;
      cluster: {
        nodes: Array<{ role: string; extraPortMappings?: Array<{ containerPort: number; hostPort: number }> }>;
      };
    }>(['kind-config', join(k8sDir, 'kind-cluster.yaml')]);
    expect(report.error).toBeUndefined();
    expect(status).toBe(0);
    const controlPlane = report.cluster.nodes.find((node) => node.role === 'control-plane');
    expect(controlPlane?.extraPortMappings?.map((m) => [m.containerPort, m.hostPort])).toEqual([
      [80, 80],
      [443, 443],
    ]);
  });
});

describe('components/', () => {
  it('validates the resources that apply unchanged on Kubernetes', () => {
    // config.yaml is the self-hosted Configuration (--config), never applied to a cluster: its sqlite
    // nameResolution has no `version`, which daprd's file loader accepts and the CRD would not.
    const files = ['pubsub.yaml', 'statestore.yaml', 'secretstore.yaml', 'resiliency.yaml', 'config.kubernetes.yaml'];
    expectAllValid(kubeconform({ files: files.map((file) => join(repoRoot, 'components', file)) }), files.length);
  });
});

describe('the validation itself', () => {
  it('rejects an unknown field, a wrong type and a missing required field in a built-in kind', () => {
    const resources = kubeconform({
      text: `apiVersion: apps/v1
kind: Deployment
metadata: {name: broken, labelz: {a: b}}
spec:
  replicas: "two"
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers:
        - image: shop-catalog
          ports: [{containerPort: 80, protocl: TCP}]
`,
    });
    expect(resources).toHaveLength(1);
    expect(resources[0]?.status).toBe('statusInvalid');
    for (const fragment of [
      "'labelz' not allowed",
      '/spec/replicas',
      "'protocl' not allowed",
      "missing property 'name'",
    ]) {
      expect(resources[0]?.msg).toContain(fragment);
    }
  });

  it('rejects a Dapr Component with a misspelt field and a Subscription without its topic', () => {
    const resources = kubeconform({
      text: `apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: pubsub}
spec: {type: pubsub.redis, version: v1, metadata: [{name: redisHost, valeu: "redis:6379"}]}
---
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata: {name: dead-letters}
spec: {pubsubname: pubsub, routes: {default: /dapr/events/x}}
`,
    });
    const byKind = Object.fromEntries(resources.map((r) => [r.kind, r]));
    expect(byKind.Component).toMatchObject({
      status: 'statusInvalid',
      msg: expect.stringContaining("'valeu' not allowed"),
    });
    expect(byKind.Subscription).toMatchObject({
      status: 'statusInvalid',
      msg: expect.stringContaining("missing property 'topic'"),
    });
  });

  it('rejects a NetworkPolicy with a misspelt peer field and a port of the wrong type', () => {
    const resources = kubeconform({
      text: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken}
spec:
  podSelector: {}
  ingress:
    - from: [{podSelectr: {matchLabels: {a: b}}}]
      ports: [{port: [80]}]
`,
    });
    expect(resources[0]?.status).toBe('statusInvalid');
    expect(resources[0]?.msg).toContain("'podSelectr' not allowed");
    expect(resources[0]?.msg).toContain('/spec/ingress/0/ports/0/port');
  });

  it('rejects the chart’s PrometheusRule with a misspelt field, a duration Prometheus cannot read and a rule without expr', () => {
    const rule = find(
      renderChart([...setArgs(requiredSecrets), '--set', 'metrics.prometheusRule.enabled=true']),
      'PrometheusRule',
      'shop',
    );
    expect(kubeconform({ text: stringify(rule) })[0]?.status).toBe('statusValid');
    const [first, second, third] = rule.spec.groups[0].rules;
    first.alrt = first.alert;
    delete first.alert;
    second.for = 'five minutes';
    delete third.expr;
    const [result] = kubeconform({ text: stringify(rule) });
    expect(result?.status).toBe('statusInvalid');
    for (const fragment of ["'alrt' not allowed", '/spec/groups/0/rules/1/for', "missing property 'expr'"]) {
      expect(result?.msg).toContain(fragment);
    }
  });

  it('fails a kind for which it has no schema instead of skipping it', () => {
    const resources = kubeconform({ text: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n' });
    expect(resources[0]?.status).toBe('statusError');
  });

  it('rejects a kind cluster config with a misspelt field', () => {
    const { status, report } = deployCheck<{ error?: string }>([
      'kind-config',
      join(repoRoot, 'tests', 'deploy', 'fixtures', 'kind-cluster-misspelt.yaml'),
    ]);
    expect(status).toBe(1);
    expect(report.error).toContain('extraPortMapping');
  });
});
