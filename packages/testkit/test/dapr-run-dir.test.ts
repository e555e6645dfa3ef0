import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appIds } from '@shop/contracts';
import { accessControlFor } from '@shop/kit/src/mesh/dapr-policy';
import { parse } from 'yaml';
import { type DaprRunDir, prepareDaprRunDir } from '../src/dapr-run-dir';

const runs: DaprRunDir[] = [];
const prepared = (options: Parameters<typeof prepareDaprRunDir>[0] = {}) => {
  const run = prepareDaprRunDir(options);
  runs.push(run);
  return run;
};
afterAll(() => {
  for (const run of runs) run.remove();
});
const yamlAt = (path: string) => parse(readFileSync(path, 'utf8'));

describe('a Dapr run dir', () => {
  it("gives each app its own Configuration with its access control list, beside the run's name resolution", () => {
    const run = prepared({ accessControl: true });
    const payments = run.configPathFor('payments');
    expect(payments).toBe(join(run.path, 'config.payments.yaml'));
    const config = yamlAt(payments);
    expect(config.spec.accessControl).toEqual(accessControlFor('payments'));
    expect(config.spec.nameResolution.configuration.connectionString).toBe(run.nameResolutionDb);
    expect(config.spec.tracing).toEqual(yamlAt(run.configPath).spec.tracing);
  });

  it('shares one Configuration without access control unless asked (sidecars without mTLS)', () => {
    const run = prepared();
    expect(run.configPathFor('greeter')).toBe(run.configPath);
    expect(yamlAt(run.configPath).spec.accessControl).toBeUndefined();
  });

  it("loads the pubsub component for the platform's apps, and a test's own apps when it names them", () => {
    expect(yamlAt(join(prepared().resourcesPath, 'pubsub.yaml')).scopes).toEqual([...appIds]);
    const withTestApps = yamlAt(join(prepared({ testAppIds: ['greeter'] }).resourcesPath, 'pubsub.yaml'));
    expect(withTestApps.scopes).toEqual([...appIds, 'greeter']);
    // Listed in no publishing scope, a test app publishes freely; the platform's apps stay bound.
    expect(withTestApps.spec.metadata.find((m: { name: string }) => m.name === 'publishingScopes').value).not.toContain(
      'greeter',
    );
  });

  it("loads the state store for the platform's apps (the cart's carts live there), and a test's own apps when it names them", () => {
    expect(yamlAt(join(prepared().resourcesPath, 'statestore.yaml')).scopes).toEqual([...appIds]);
    const withTestApps = yamlAt(join(prepared({ testAppIds: ['greeter'] }).resourcesPath, 'statestore.yaml'));
    expect(withTestApps.scopes).toEqual([...appIds, 'greeter']);
  });

  it("keeps a component scoped to some of the platform's apps theirs, whatever test apps a run names", () => {
    const binding = yamlAt(join(prepared({ testAppIds: ['greeter'] }).resourcesPath, 'hub-signalr.yaml'));
    expect(binding.scopes).toEqual(['notifications', 'analytics']);
  });
});
