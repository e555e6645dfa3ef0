import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { deployTools, type RunResult, repoRoot, run } from './deploy-tools';

/** A Kubernetes object as rendered: only what the tests read is typed. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: a manifest's spec has a different shape for every kind.
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: likewise.
  [field: string]: any;
}

export const chartDir = join(repoRoot, 'charts', 'shop');
export const localValues = join(chartDir, 'values-local.yaml');

/** Every secret the chart needs, as --set arguments: the chart has no defaults for any of them. */
export const databaseServices = [
  'identity',
  'catalog',
  'inventory',
  'payments',
  'orders',
  'notifications',
  'analytics',
  'recommendations',
  'fraud',
];
export const requiredSecrets: Record<string, string> = {
  'secrets.jwtKeys.value': 'a-jwt-keys-secret-of-at-least-32-characters',
  'secrets.cardFingerprint.value': 'a-card-fingerprint-secret-of-32-characters',
  'secrets.admin.email': 'ops@shop.example',
  'secrets.admin.password': 'an-admin-password',
  'secrets.hub.accessKey': 'a-hub-access-key',
  'secrets.smtp.url': 'smtp://mailer:a-mail-password@smtp.shop.example:587',
  'sqlServer.host': 'sql.shop.example',
  'dapr.redis.host': 'redis.shop.example:6379',
  ...Object.fromEntries(
    databaseServices.flatMap((name) => [
      [`services.${name}.database.user`, `${name}_app`],
      [`services.${name}.database.password`, `${name}-password`],
    ]),
  ),
};

// The chart without its gateway: the Ingress then routes each service's paths itself, and a service whose public
// path has a `*` segment (recommendations' /api/products/*/recommendations) cannot be routed, so it is left out.
export const withoutGateway = ['--set', 'gateway.enabled=false', '--set', 'services.recommendations.enabled=false'];

/** Services a public path of which has a `*` segment: only the gateway routes them. */
export const gatewayOnlyServices = ['recommendations'];

export function setArgs(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--set-string', `${key}=${value}`]);
}

export function helm(args: string[]): RunResult {
  return run(deployTools().helm, args);
}

/** `helm template` for the cluster version the schemas describe; fails the test with helm's message. */
export function renderChart(args: string[], release = 'shop', namespace = 'shop'): Manifest[] {
  const result = helmTemplate(args, release, namespace);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

export function helmTemplate(args: string[], release = 'shop', namespace = 'shop'): RunResult {
  const { kubernetesVersion } = deployTools();
  return helm(['template', release, chartDir, '--namespace', namespace, '--kube-version', kubernetesVersion, ...args]);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((doc): doc is Manifest => doc !== null && typeof doc === 'object');
}

export function readManifests(file: string): Manifest[] {
  return parseManifests(readFileSync(file, 'utf8'));
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

export function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

export interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped' | 'statusEmpty';
  msg: string;
}

/**
 * kubeconform in strict mode against the Kubernetes schemas and the CRD schemas (Dapr, Prometheus
 * Operator) built offline; a kind without a schema is an error, not a skip.
 */
export function kubeconform(input: { text: string } | { files: string[] }): KubeconformResource[] {
  const { kubeconform: binary, schemas, kubernetesVersion } = deployTools();
  const args = [
    '-strict',
    '-verbose',
    '-summary',
    '-output',
    'json',
    '-kubernetes-version',
    kubernetesVersion,
    '-schema-location',
    `${schemas}/kubernetes/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    '-schema-location',
    `${schemas}/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
  ];
  const result =
    'text' in input ? run(binary, [...args, '-'], { input: input.text }) : run(binary, [...args, ...input.files]);
  if (!result.stdout.trim()) throw new Error(`kubeconform printed nothing: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { resources: KubeconformResource[] }).resources;
}

/** The resources kubeconform did not find valid, as readable lines for a failure message. */
export function problemsOf(resources: KubeconformResource[]): string[] {
  return resources
    .filter((r) => r.status !== 'statusValid')
    .map((r) => `${r.filename}: ${r.kind}/${r.name}: ${r.status} ${r.msg}`);
}

export function deployCheck<T>(args: string[]): { status: number | null; report: T; stderr: string } {
  const result = run(deployTools().deployCheck, args);
  if (result.status === 2 || !result.stdout.trim()) {
    throw new Error(`deploy-check ${args[0]} could not run: ${result.stderr}`);
  }
  return { status: result.status, report: JSON.parse(result.stdout) as T, stderr: result.stderr };
}
