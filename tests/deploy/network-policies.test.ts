import { appIds, invocations } from '@shop/contracts';
import {
  find,
  gatewayOnlyServices,
  localValues,
  ofKind,
  renderChart,
  requiredSecrets,
  setArgs,
  withoutGateway,
} from './support/manifests';
import { NetworkPolicies, otherPod, type Pod, podsOf } from './support/network-policy';

/**
 * Who may connect to whom once the rendered NetworkPolicies apply, asked of Kubernetes' rules (support/
 * network-policy.ts) pod by pod: the Ingress controller reaches only the gateway and the hub, a sidecar only its
 * callers' sidecars, and nothing else from anywhere.
 */

const namespace = 'shop';
const defaults = renderChart(setArgs(requiredSecrets));
const policies = NetworkPolicies.of(defaults, namespace);
const pods = podsOf(defaults, namespace);
const pod = (name: string): Pod => {
  const found = pods[name];
  if (!found) throw new Error(`no pod ${name}`);
  return found;
};

const ingressController = otherPod('ingress-nginx-controller', 'ingress-nginx', {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/component': 'controller',
});
const prometheus = otherPod('prometheus', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' });
const strangers = [
  otherPod('another app in the namespace', namespace, { app: 'something' }),
  otherPod('a pod claiming to be a service from elsewhere', 'default', {
    'app.kubernetes.io/instance': 'shop',
    'app.kubernetes.io/name': 'orders',
    'app.kubernetes.io/component': 'service',
  }),
  otherPod('another pod of the ingress namespace', 'ingress-nginx', { 'app.kubernetes.io/name': 'admission' }),
  otherPod('a pod labelled like the controller elsewhere', 'default', {
    'app.kubernetes.io/name': 'ingress-nginx',
    'app.kubernetes.io/component': 'controller',
  }),
];
const everyPort = (target: Pod) => Object.keys(target.ports);

describe('the NetworkPolicies', () => {
  it('select every pod of the release, which then refuses whatever no policy admits', () => {
    for (const target of Object.values(pods)) {
      for (const stranger of strangers) {
        for (const port of everyPort(target)) {
          expect([stranger.name, target.name, port, policies.admits(stranger, target, port)]).toEqual([
            stranger.name,
            target.name,
            port,
            false,
          ]);
        }
      }
    }
  });

  it('let the Ingress controller reach the gateway and the hub on their public ports, and nothing else', () => {
    const reached = Object.values(pods).flatMap((target) =>
      everyPort(target)
        .filter((port) => policies.admits(ingressController, target, port))
        .map((port) => `${target.name}:${port}`),
    );
    expect(reached.sort()).toEqual(['gateway:http', 'hub:http']);
  });

  it('let the gateway reach every service on its app port only', () => {
    for (const app of appIds) {
      const reached = everyPort(pod(app)).filter((port) => policies.admits(pod('gateway'), pod(app), port));
      expect([app, reached]).toEqual([app, ['http']]);
    }
  });

  it("admit on a sidecar's Dapr internal gRPC port only the sidecars of the apps mesh-policy.ts lets invoke it", () => {
    for (const callee of appIds) {
      const admitted = appIds.filter((caller) => policies.admits(pod(caller), pod(callee), 'dapr-internal'));
      const callers = [...new Set(invocations.filter((i) => i.callee === callee).map((i) => i.caller))];
      expect([callee, admitted.sort()]).toEqual([callee, callers.sort()]);
    }
  });

  it("keep the services from each other's apps and sidecar APIs, but let every one read identity's JWKS", () => {
    // And the notifications and analytics pods reach the hub's app port: their sidecar's azure.signalr binding sends
    // in-app notifications and the dashboard's live figures through the hub's Azure SignalR REST API.
    const opened = (source: string, target: string) =>
      target === 'identity' || (['notifications', 'analytics'].includes(source) && target === 'hub');
    for (const source of appIds) {
      for (const target of appIds.filter((app) => app !== source)) {
        const reached = ['http', 'dapr-http', 'dapr-grpc', 'dapr-metrics'].filter((port) =>
          policies.admits(pod(source), pod(target), port),
        );
        expect([source, target, reached]).toEqual([source, target, opened(source, target) ? ['http'] : []]);
      }
    }
  });

  it("let Prometheus scrape the apps' and sidecars' metrics and the gateway's operations port, nothing more", () => {
    for (const app of appIds) {
      const reached = everyPort(pod(app)).filter((port) => policies.admits(prometheus, pod(app), port));
      expect([app, reached.sort()]).toEqual([app, ['dapr-metrics', 'http']]);
    }
    expect(everyPort(pod('gateway')).filter((port) => policies.admits(prometheus, pod('gateway'), port))).toEqual([
      'operations',
    ]);
    const unscraped = NetworkPolicies.of(
      renderChart([...setArgs(requiredSecrets), '--set-json', 'networkPolicy.prometheus=[]']),
      namespace,
    );
    expect(unscraped.admits(prometheus, pod('catalog'), 'http')).toBe(false);
    expect(unscraped.admits(prometheus, pod('gateway'), 'operations')).toBe(false);
  });

  it('admit no one at all rather than everyone when no Ingress controller is named', () => {
    const manifests = renderChart([...setArgs(requiredSecrets), '--set-json', 'networkPolicy.ingressControllers=[]']);
    const closed = NetworkPolicies.of(manifests, namespace);
    for (const source of [ingressController, ...strangers]) {
      expect([source.name, closed.admits(source, pod('gateway'), 'http')]).toEqual([source.name, false]);
      expect([source.name, closed.admits(source, pod('hub'), 'http')]).toEqual([source.name, false]);
    }
  });

  it('follow the peers given for the Ingress controller, replacing the default ones', () => {
    const manifests = renderChart([
      ...setArgs(requiredSecrets),
      '--set-json',
      'networkPolicy.ingressControllers=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"edge"}},"podSelector":{"matchLabels":{"app":"traefik"}}}]',
    ]);
    const custom = NetworkPolicies.of(manifests, namespace);
    const traefik = otherPod('traefik', 'edge', { app: 'traefik' });
    expect(custom.admits(traefik, pod('gateway'), 'http')).toBe(true);
    expect(custom.admits(traefik, pod('hub'), 'http')).toBe(true);
    expect(custom.admits(traefik, pod('catalog'), 'http')).toBe(false);
    expect(custom.admits(ingressController, pod('gateway'), 'http')).toBe(false);
  });

  it('let the Ingress controller reach every service when there is no gateway to go through', () => {
    const manifests = renderChart([...setArgs(requiredSecrets), ...withoutGateway]);
    const direct = NetworkPolicies.of(manifests, namespace);
    const directPods = podsOf(manifests, namespace);
    for (const app of appIds.filter((id) => !gatewayOnlyServices.includes(id))) {
      expect([app, direct.admits(ingressController, directPods[app] as Pod, 'http')]).toEqual([app, true]);
      expect([app, direct.admits(ingressController, directPods[app] as Pod, 'dapr-internal')]).toEqual([app, false]);
    }
  });

  it("let in-cluster clients named for the hub's REST API reach the hub only", () => {
    const manifests = renderChart([
      ...setArgs(requiredSecrets),
      '--set-json',
      'networkPolicy.hubRestApiClients=[{"podSelector":{"matchLabels":{"app":"notifier"}}}]',
    ]);
    const withClients = NetworkPolicies.of(manifests, namespace);
    const notifier = otherPod('notifier', namespace, { app: 'notifier' });
    expect(withClients.admits(notifier, pod('hub'), 'http')).toBe(true);
    expect(withClients.admits(notifier, pod('catalog'), 'http')).toBe(false);
    expect(withClients.admits(otherPod('notifier elsewhere', 'other', { app: 'notifier' }), pod('hub'), 'http')).toBe(
      false,
    );
  });

  it('render none when switched off', () => {
    const manifests = renderChart([...setArgs(requiredSecrets), '--set', 'networkPolicy.enabled=false']);
    expect(ofKind(manifests, 'NetworkPolicy')).toEqual([]);
  });
});

describe('the data stores of values-local.yaml', () => {
  const local = renderChart(['--values', localValues]);
  const localPolicies = NetworkPolicies.of(local, namespace);
  const localPods = podsOf(local, namespace);
  const redis: Pod = { ...otherPod('redis', namespace, { 'app.kubernetes.io/name': 'redis' }), ports: { redis: 6379 } };
  const sqlserver: Pod = {
    ...otherPod('sqlserver', namespace, { 'app.kubernetes.io/name': 'sqlserver' }),
    ports: { tds: 1433 },
  };
  const init = otherPod('sqlserver-init', namespace, { 'app.kubernetes.io/name': 'sqlserver-init' });

  it("admit the release's service pods to Redis and SQL Server, the init job to SQL Server, and no one else", () => {
    for (const app of appIds) {
      const source = localPods[app] as Pod;
      expect([app, localPolicies.admits(source, redis, 6379), localPolicies.admits(source, sqlserver, 1433)]).toEqual([
        app,
        true,
        true,
      ]);
    }
    expect(localPolicies.admits(init, sqlserver, 1433)).toBe(true);
    expect(localPolicies.admits(init, redis, 6379)).toBe(false);
    for (const source of [localPods.gateway as Pod, ...strangers]) {
      expect([source.name, localPolicies.admits(source, redis, 6379)]).toEqual([source.name, false]);
      expect([source.name, localPolicies.admits(source, sqlserver, 1433)]).toEqual([source.name, false]);
    }
    expect(find(local, 'NetworkPolicy', 'shop-datastore-redis').spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'redis' },
    });
  });

  it("admit the release's service pods to Mailpit's SMTP port, and no one to it or its web UI otherwise", () => {
    const mailpit: Pod = {
      ...otherPod('mailpit', namespace, { 'app.kubernetes.io/name': 'mailpit' }),
      ports: { smtp: 1025, http: 8025 },
    };
    expect(localPolicies.admits(localPods.notifications as Pod, mailpit, 1025)).toBe(true);
    for (const source of [localPods.notifications as Pod, localPods.gateway as Pod, ...strangers]) {
      expect([source.name, localPolicies.admits(source, mailpit, 8025)]).toEqual([source.name, false]);
    }
    for (const source of [localPods.gateway as Pod, ...strangers]) {
      expect([source.name, localPolicies.admits(source, mailpit, 1025)]).toEqual([source.name, false]);
    }
  });
});
