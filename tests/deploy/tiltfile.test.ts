import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployTools, repoRoot } from './support/deploy-tools';
import { deployCheck } from './support/manifests';
import { chartValues } from './support/platform';

interface Call {
  function: string;
  args: Record<string, unknown>;
}
interface Resource {
  name: string;
  type: string;
  labels: string[];
  resourceDeps: string[];
  triggerMode: string;
  autoInit: boolean;
  portForwards?: string[];
  objects?: string[];
}
interface TiltReport {
  calls: Call[];
  objects: Array<{ kind: string; name: string; images?: string[] }>;
  resources: Resource[];
  problems: string[];
}

function evaluate(tiltfile: string): { status: number | null; report: TiltReport } {
  return deployCheck<TiltReport>(['tiltfile', '--helm', deployTools().helm, tiltfile]);
}

const { status, report } = evaluate(join(repoRoot, 'Tiltfile'));
const calls = (fn: string) => report.calls.filter((call) => call.function === fn);
const resource = (name: string) => {
  const found = report.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no Tilt resource ${name}; there are ${report.resources.map((r) => r.name).join(', ')}`);
  return found;
};
const services = Object.entries(chartValues().services)
  .filter(([, service]) => service.enabled)
  .map(([name]) => name)
  .sort();

describe('the Tiltfile', () => {
  it('evaluates with every Tilt call valid and nothing Tilt would refuse at start', () => {
    expect(report.problems).toEqual([]);
    expect(status).toBe(0);
  });

  it.each(services)('builds the %s image from the Dockerfile with a live update of the sources', (service) => {
    const build = calls('docker_build').find((call) => call.args.ref === `shop-${service}`);
    expect(build?.args).toMatchObject({
      context: '.',
      dockerfile: 'Dockerfile',
      target: 'dev',
      build_args: { SERVICE: service },
    });
    expect(build?.args.live_update).toEqual([
      { step: 'fall_back_on', args: { files: ['package.json', 'package-lock.json'] } },
      { step: 'sync', args: { local_path: 'packages', remote_path: '/app/packages' } },
      { step: 'sync', args: { local_path: 'services', remote_path: '/app/services' } },
    ]);
    const deployment = report.objects.find((o) => o.kind === 'Deployment' && o.name === `shop-${service}`);
    expect(deployment?.images).toEqual([`shop-${service}:dev`]);
  });

  it('builds the gateway image from the Dockerfile with the same live update, before the ingress', () => {
    const build = calls('docker_build').find((call) => call.args.ref === 'shop-gateway');
    expect(build?.args).toMatchObject({
      context: '.',
      dockerfile: 'Dockerfile',
      target: 'dev',
      build_args: { SERVICE: 'gateway' },
    });
    expect(build?.args.live_update).toEqual(calls('docker_build')[0]?.args.live_update);
    const deployment = report.objects.find((o) => o.kind === 'Deployment' && o.name === 'shop-gateway');
    expect(deployment?.images).toEqual(['shop-gateway:dev']);
    expect(resource('shop-gateway').labels).toEqual(['platform']);
    expect(resource('ingress').resourceDeps).toContain('shop-gateway');
  });

  it.each(services)('groups %s under its own label, after Dapr, its secrets and its database', (service) => {
    const own = resource(`shop-${service}`);
    expect(own.labels).toEqual([service]);
    expect(own.resourceDeps).toEqual(expect.arrayContaining(['dapr-resources', 'secrets']));
    // A service without a database (the hub, the cart) must not wait for SQL Server's logins.
    expect(own.resourceDeps.includes('sqlserver-init')).toBe(chartValues().services[service]?.database.enabled);
  });

  it('installs Dapr 1.18.3 with helm_resource before applying the Dapr resources', () => {
    const dapr = calls('helm_resource').find((call) => call.args.name === 'dapr');
    expect(dapr?.args).toMatchObject({ chart: 'dapr-repo/dapr', namespace: 'dapr-system' });
    expect(dapr?.args.flags).toEqual(expect.arrayContaining(['--version=1.18.3', '--wait']));
    expect(resource('dapr').resourceDeps).toEqual(['dapr-repo']);
    expect(resource('dapr-resources').resourceDeps).toEqual(expect.arrayContaining(['dapr', 'redis']));
    expect(resource('dapr-resources').objects).toEqual(
      expect.arrayContaining(['pubsub:component', 'statestore:component']),
    );
  });

  it('applies every manifest of k8s/ but the kind cluster config, then the chart with values-local.yaml', () => {
    const applied = calls('k8s_yaml').flatMap((call) => (Array.isArray(call.args.yaml) ? call.args.yaml : []));
    const k8sFiles = readdirSync(join(repoRoot, 'k8s'))
      .filter((file) => file.endsWith('.yaml') && file !== 'kind-cluster.yaml')
      .map((file) => `k8s/${file}`);
    expect([...applied].sort()).toEqual(k8sFiles.sort());
    expect(calls('helm')).toEqual([
      expect.objectContaining({
        args: { paths: 'charts/shop', name: 'shop', namespace: 'shop', values: ['charts/shop/values-local.yaml'] },
      }),
    ]);
  });

  it("forwards localhost:8025 to Mailpit's web UI, where the cluster's email can be read, before notifications starts", () => {
    expect(resource('mailpit').portForwards).toEqual(['8025:8025']);
    expect(resource('shop-notifications').resourceDeps).toContain('mailpit');
  });

  it('forwards localhost:8080 to the ingress controller, the origin `npm start` uses', () => {
    expect(resource('ingress-nginx').portForwards).toEqual(['8080:80']);
    expect(resource('ingress').resourceDeps).toEqual(expect.arrayContaining(['ingress-nginx', 'shop-catalog']));
  });

  it('runs the test suites as local resources only when triggered', () => {
    const tests = report.resources.filter((r) => r.labels.includes('tests'));
    expect(tests.map((r) => r.name).sort()).toEqual(['all-tests', 'deploy-checks', 'e2e-on-cluster']);
    for (const test of tests)
      expect(test).toMatchObject({ type: 'local_resource', triggerMode: 'manual', autoInit: false });
    const e2e = calls('local_resource').find((call) => call.args.name === 'e2e-on-cluster');
    expect(e2e?.args.cmd).toContain('E2E_DAPR_URL=http://localhost:8080');
  });

  it('never deploys anywhere but the local kind cluster', () => {
    expect(calls('allow_k8s_contexts')).toEqual([expect.objectContaining({ args: { contexts: ['kind-shop'] } })]);
  });
});

describe('the Tiltfile checker', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shop-tiltfile-'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(
      join(dir, 'app.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {template: {spec: {containers: [{name: app, image: app-image}]}}}\n',
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const check = (source: string) => {
    writeFileSync(join(dir, 'Tiltfile'), source);
    return evaluate(join(dir, 'Tiltfile'));
  };

  it('accepts a correct Tiltfile', () => {
    const result = check(
      "k8s_yaml('app.yaml')\ndocker_build('app-image', 'app', live_update=[sync('app', '/src')])\nk8s_resource('app', labels=['app'])\n",
    );
    expect(result.report.problems).toEqual([]);
    expect(result.status).toBe(0);
  });

  it.each([
    [
      'a misspelt keyword',
      "k8s_yaml('app.yaml')\nk8s_resource('app', lables=['app'])\n",
      'unexpected keyword argument "lables"',
    ],
    ['a missing file', "k8s_yaml('missing.yaml')\n", 'missing.yaml'],
    ['an unknown workload', "k8s_yaml('app.yaml')\nk8s_resource('ap')\n", 'no workload "ap"'],
    ['an unknown dependency', "k8s_yaml('app.yaml')\nk8s_resource('app', resource_deps=['db'])\n", 'depends on "db"'],
    [
      'an image nothing runs',
      "k8s_yaml('app.yaml')\ndocker_build('other-image', 'app')\n",
      'no registered object runs this image',
    ],
    [
      'a sync outside the build context',
      "k8s_yaml('app.yaml')\ndocker_build('app-image', 'app', live_update=[sync('.', '/src')])\n",
      'outside the build context',
    ],
    [
      'live update steps out of order',
      "k8s_yaml('app.yaml')\ndocker_build('app-image', 'app', live_update=[sync('app', '/src'), fall_back_on(['app/Dockerfile'])])\n",
      'comes after a later kind of step',
    ],
    ['a Starlark error', 'x = undefined_name\n', 'undefined: undefined_name'],
  ])('reports %s', (_name, source, problem) => {
    const result = check(source);
    expect(result.status).toBe(1);
    expect(result.report.problems.join('\n')).toContain(problem);
  });
});
