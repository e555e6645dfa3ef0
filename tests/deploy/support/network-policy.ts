import { type Manifest, ofKind } from './manifests';

/**
 * Kubernetes NetworkPolicy semantics for ingress, as the API reference states them, so the rendered policies
 * can be asked who may connect to whom: a pod selected by no policy (for Ingress) admits everything; a selected
 * pod admits a connection when some rule of some policy selecting it admits both the source and the port. A
 * peer with only podSelector means pods of the policy's namespace; with namespaceSelector, pods in matching
 * namespaces (all of them without podSelector). Named ports are the destination container's port names.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** Container port names to numbers, daprd's included. */
  ports: Record<string, number>;
}

interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}

interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  ports?: Array<{ port?: number | string; endPort?: number; protocol?: string }>;
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const expressionsMatch = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    if (operator === 'Exists') return value !== undefined;
    if (operator === 'DoesNotExist') return value === undefined;
    if (operator === 'In') return value !== undefined && values.includes(value);
    return value === undefined || !values.includes(value);
  });
  return labelsMatch && expressionsMatch;
}

/** Namespaces carry the label Kubernetes sets on every one: kubernetes.io/metadata.name. */
function namespaceLabels(namespace: string): Record<string, string> {
  return { 'kubernetes.io/metadata.name': namespace };
}

function peerAdmits(peer: NetworkPolicyPeer, policyNamespace: string, source: Pod): boolean {
  if (peer.ipBlock) return false; // pod IPs are not what ipBlock is for (the reference leaves it undefined)
  const inNamespace = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(source.namespace))
    : source.namespace === policyNamespace;
  return inNamespace && selects(peer.podSelector ?? {}, source.labels);
}

function portAdmits(
  rulePort: NonNullable<NetworkPolicyRule['ports']>[number],
  destination: Pod,
  port: number,
): boolean {
  if ((rulePort.protocol ?? 'TCP') !== 'TCP') return false;
  if (rulePort.port === undefined) return true;
  const first = typeof rulePort.port === 'number' ? rulePort.port : destination.ports[rulePort.port];
  if (first === undefined) return false;
  return port >= first && port <= (rulePort.endPort ?? first);
}

export class NetworkPolicies {
  constructor(
    private readonly policies: Manifest[],
    private readonly namespace: string,
  ) {}

  static of(manifests: Manifest[], namespace: string): NetworkPolicies {
    return new NetworkPolicies(ofKind(manifests, 'NetworkPolicy'), namespace);
  }

  /** Whether `source` may open a TCP connection to `destination` on `port` (a number or the container port's name). */
  admits(source: Pod, destination: Pod, port: number | string): boolean {
    const number = typeof port === 'number' ? port : destination.ports[port];
    if (number === undefined) throw new Error(`${destination.name} has no port named ${port}`);
    if (destination.namespace !== this.namespace) throw new Error('only pods of the release namespace are modelled');
    const selecting = this.policies.filter(
      (policy) =>
        (policy.spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
        selects(policy.spec.podSelector ?? {}, destination.labels),
    );
    if (selecting.length === 0) return true;
    return selecting.some((policy) =>
      ((policy.spec.ingress ?? []) as NetworkPolicyRule[]).some(
        (rule) =>
          // An empty or missing `from` admits every source, an empty or missing `ports` every port.
          (!rule.from?.length || rule.from.some((peer) => peerAdmits(peer, this.namespace, source))) &&
          (!rule.ports?.length || rule.ports.some((rulePort) => portAdmits(rulePort, destination, number))),
      ),
    );
  }
}

/** The injector's daprd container ports (pkg/injector/patcher/sidecar_container.go, defaults of dapr 1.18.3). */
export const daprdPorts = { 'dapr-http': 3500, 'dapr-grpc': 50001, 'dapr-internal': 50002 };

/** One pod of each rendered Deployment, with the daprd ports the injector adds to Dapr-enabled ones. */
export function podsOf(manifests: Manifest[], namespace: string): Record<string, Pod> {
  return Object.fromEntries(
    ofKind(manifests, 'Deployment').map((deployment) => {
      const template = deployment.spec.template;
      const annotations = (template.metadata.annotations ?? {}) as Record<string, string>;
      const ports: Record<string, number> = {};
      for (const container of template.spec.containers as Array<{
        ports?: Array<{ name: string; containerPort: number }>;
      }>) {
        for (const port of container.ports ?? []) ports[port.name] = port.containerPort;
      }
      if (annotations['dapr.io/enabled'] === 'true') {
        Object.assign(ports, daprdPorts, { 'dapr-metrics': Number(annotations['dapr.io/metrics-port'] ?? 9090) });
      }
      const name = (template.metadata.labels as Record<string, string>)['app.kubernetes.io/name'] ?? '';
      return [name, { name, namespace, labels: template.metadata.labels, ports }];
    }),
  );
}

/** A pod that is not the release's: some other workload, in `namespace`, with `labels`. */
export function otherPod(name: string, namespace: string, labels: Record<string, string> = {}): Pod {
  return { name, namespace, labels, ports: {} };
}
