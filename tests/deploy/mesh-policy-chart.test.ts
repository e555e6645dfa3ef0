import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AppId,
  appIds,
  eventFlows,
  type Invocation,
  invocations,
  publishedBy,
  subscribedBy,
} from '@shop/contracts';
import { parse } from 'yaml';
import { repoRoot } from './support/deploy-tools';
import { chartDir, find, type Manifest, ofKind, renderChart, requiredSecrets, setArgs } from './support/manifests';

/**
 * The chart's copy of packages/contracts/src/mesh-policy.ts (charts/shop/mesh-policy.yaml) and what it renders
 * from it — access control, pub/sub scopes — checked against the TypeScript, so neither can drift.
 */

const defaults = renderChart(setArgs(requiredSecrets));
const sorted = (list: readonly string[]) => [...list].sort();

/** What mesh-policy.ts says a callee's sidecar admits: each caller's operations, everything else denied. */
function expectedAccessControl(callee: AppId, namespace: string, trustDomain: string) {
  const into = invocations.filter((invocation) => invocation.callee === callee);
  const callers = [...new Set(into.map((invocation) => invocation.caller))].sort();
  return {
    defaultAction: 'deny',
    trustDomain,
    policies: callers.map((caller) => ({
      appId: caller,
      defaultAction: 'deny',
      trustDomain,
      namespace,
      operations: into
        .filter((invocation) => invocation.caller === caller)
        .map((invocation: Invocation) => ({ name: invocation.path, httpVerb: [invocation.method], action: 'allow' })),
    })),
  };
}

/** "app=a,b;other=" as Dapr's pubsub.redis reads publishingScopes and subscriptionScopes. */
function scopesOf(component: Manifest, name: string): Record<string, string[]> {
  const entry = (component.spec.metadata as Array<{ name: string; value: string }>).find((m) => m.name === name);
  if (!entry) throw new Error(`${component.metadata.name} has no ${name}`);
  return Object.fromEntries(
    entry.value.split(';').map((scope) => {
      const [app = '', topics = ''] = scope.split('=');
      return [app, sorted(topics.split(',').filter((topic) => topic !== ''))];
    }),
  );
}

describe('charts/shop/mesh-policy.yaml', () => {
  const copy = parse(readFileSync(join(chartDir, 'mesh-policy.yaml'), 'utf8')) as {
    eventFlows: typeof eventFlows;
    invocations: Invocation[];
  };

  it("equals mesh-policy.ts' eventFlows and invocations", () => {
    expect(copy.eventFlows).toEqual(eventFlows);
    expect(copy.invocations).toEqual(invocations);
  });

  it('names only the apps the chart deploys', () => {
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as { services: Record<string, unknown> };
    expect(sorted(Object.keys(values.services))).toEqual(sorted(appIds));
  });
});

describe('Dapr access control', () => {
  const kubernetesConfig = parse(readFileSync(join(repoRoot, 'components', 'config.kubernetes.yaml'), 'utf8'));

  it.each(appIds)("gives %s a Configuration of its own, named by its pod's dapr.io/config", (app) => {
    const deployment = find(defaults, 'Deployment', `shop-${app}`);
    const configName = deployment.spec.template.metadata.annotations['dapr.io/config'];
    expect(configName).toBe(`shop-dapr-${app}`);
    const configuration = find(defaults, 'Configuration', configName);
    const { accessControl, ...rest } = configuration.spec;
    // Tracing and metrics as components/config.kubernetes.yaml, which every Configuration keeps.
    expect(rest).toEqual(kubernetesConfig.spec);
    expect(accessControl).toEqual(expectedAccessControl(app, 'shop', 'public'));
  });

  it('denies every invocation into an app no one calls, and admits exactly the listed operations elsewhere', () => {
    const callees = new Set(invocations.map((invocation) => invocation.callee));
    for (const app of appIds) {
      const { policies } = find(defaults, 'Configuration', `shop-dapr-${app}`).spec.accessControl;
      expect([app, policies.length > 0]).toEqual([app, callees.has(app)]);
    }
    expect(ofKind(defaults, 'Configuration')).toHaveLength(appIds.length);
  });

  it('names callers in the release namespace and the configured trust domain', () => {
    const manifests = renderChart(
      [...setArgs(requiredSecrets), ...setArgs({ 'dapr.accessControl.trustDomain': 'shop.example' })],
      'prod',
      'commerce',
    );
    for (const app of appIds) {
      expect(find(manifests, 'Configuration', `prod-dapr-${app}`).spec.accessControl).toEqual(
        expectedAccessControl(app, 'commerce', 'shop.example'),
      );
    }
  });

  it('leaves out the policy of a caller that is not deployed', () => {
    const manifests = renderChart([...setArgs(requiredSecrets), '--set', 'services.hub.enabled=false']);
    // Inventory is invoked by the hub, the cart and recommendations: with the hub off, the others' policies are left.
    const inventoryCallers = invocations.filter((i) => i.callee === 'inventory').map((i) => i.caller);
    expect(sorted([...new Set(inventoryCallers)])).toEqual(['cart', 'hub', 'recommendations']);
    const policies = find(manifests, 'Configuration', 'shop-dapr-inventory').spec.accessControl.policies as Array<{
      appId: string;
    }>;
    expect(policies.map((policy) => policy.appId).sort()).toEqual(['cart', 'recommendations']);
    expect(ofKind(manifests, 'Configuration').map((c) => c.metadata.name)).not.toContain('shop-dapr-hub');
  });
});

describe('pub/sub scopes', () => {
  const pubsub = find(defaults, 'Component', 'pubsub');

  it("lets each app publish exactly mesh-policy.ts' publishedBy(app), every app listed", () => {
    expect(scopesOf(pubsub, 'publishingScopes')).toEqual(
      Object.fromEntries(appIds.map((app) => [app, sorted(publishedBy(app))])),
    );
  });

  it("lets each app subscribe to exactly mesh-policy.ts' subscribedBy(app), every app listed", () => {
    expect(scopesOf(pubsub, 'subscriptionScopes')).toEqual(
      Object.fromEntries(appIds.map((app) => [app, sorted(subscribedBy(app))])),
    );
  });

  it('scopes the pub/sub, state store and secret store components to the apps', () => {
    for (const name of ['pubsub', 'statestore', 'secrets']) {
      expect([name, sorted(find(defaults, 'Component', name).scopes)]).toEqual([name, sorted(appIds)]);
    }
  });

  it('lists the apps deployed, each with its own topics, when one is switched off', () => {
    const manifests = renderChart([...setArgs(requiredSecrets), '--set', 'services.payments.enabled=false']);
    const deployed = appIds.filter((app) => app !== 'payments');
    const component = find(manifests, 'Component', 'pubsub');
    expect(scopesOf(component, 'publishingScopes')).toEqual(
      Object.fromEntries(deployed.map((app) => [app, sorted(publishedBy(app))])),
    );
    expect(sorted(component.scopes)).toEqual(sorted(deployed));
  });
});
