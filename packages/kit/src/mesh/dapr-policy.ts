import { type AppId, appIds, type Invocation, invocations, publishedBy, subscribedBy } from '@shop/contracts';

/**
 * The Dapr side of packages/contracts' mesh policy: the pub/sub scopes and each app's access control list,
 * as the local topology writes them and as the Helm chart must render them (tests compare both with these).
 */

/**
 * The trust domain in the apps' SPIFFE ids. daprd asks Sentry for no trust domain of its own, and Sentry's
 * validators then issue `public` (dapr pkg/sentry/server/validator/internal).
 */
export const appTrustDomain = 'public';

/** daprd's namespace when env NAMESPACE is unset (self-hosted; dapr pkg/security CurrentNamespace). */
export const selfHostedNamespace = 'default';

/** One `<app>=<topic>,<topic>` list per app, joined by `;`: the format of the scopes metadata (dapr pkg/scopes). */
function scopeList(topicsOf: (appId: AppId) => string[]): string {
  return appIds.map((appId) => `${appId}=${topicsOf(appId).join(',')}`).join(';');
}

/** The pubsub component's metadata entries: every app listed, so none publishes or subscribes beyond its list. */
export function pubsubScopeMetadata(): Array<{ name: string; value: string }> {
  return [
    { name: 'publishingScopes', value: scopeList(publishedBy) },
    { name: 'subscriptionScopes', value: scopeList(subscribedBy) },
  ];
}

export interface AccessControlOperation {
  name: string;
  httpVerb: string[];
  action: 'allow';
}

export interface AccessControlPolicy {
  appId: AppId;
  defaultAction: 'deny';
  trustDomain: string;
  namespace: string;
  operations: AccessControlOperation[];
}

/** A Configuration's `spec.accessControl` (dapr pkg/config AccessControlSpec). */
export interface AccessControlSpec {
  defaultAction: 'deny';
  trustDomain: string;
  policies: AccessControlPolicy[];
}

/**
 * The callee's access control list: deny by default, and for each caller only the invocations the table names.
 * daprd identifies the caller from its mTLS certificate alone, so this takes effect only with mTLS (Sentry).
 */
export function accessControlFor(
  callee: AppId,
  where: { trustDomain?: string; namespace: string } = { namespace: selfHostedNamespace },
): AccessControlSpec {
  const trustDomain = where.trustDomain ?? appTrustDomain;
  const callers = [...new Set(invocations.filter((i) => i.callee === callee).map((i) => i.caller))];
  return {
    defaultAction: 'deny',
    trustDomain,
    policies: callers.map((caller) => ({
      appId: caller,
      defaultAction: 'deny',
      trustDomain,
      namespace: where.namespace,
      operations: operationsOf(invocations.filter((i) => i.callee === callee && i.caller === caller)),
    })),
  };
}

// One operation per path with all its verbs: daprd keeps only the last operation given for a name.
function operationsOf(allowed: Invocation[]): AccessControlOperation[] {
  const verbsByPath = new Map<string, string[]>();
  for (const { path, method } of allowed) verbsByPath.set(path, [...(verbsByPath.get(path) ?? []), method]);
  return [...verbsByPath].map(([name, httpVerb]) => ({ name, httpVerb, action: 'allow' }));
}
