import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectionOptions, deadLetterTopicFor } from '@shop/kit';
import { parse } from 'yaml';
import { services } from '../../services/edge/src/services';
import { repoRoot } from './support/deploy-tools';
import { ingressRouteFor, ingressRoutes } from './support/ingress';
import {
  chartDir,
  databaseServices,
  find,
  gatewayOnlyServices,
  helm,
  helmTemplate,
  localValues,
  ofKind,
  renderChart,
  requiredSecrets,
  setArgs,
  withoutGateway,
} from './support/manifests';
import {
  chartValues,
  externallyRoutedPaths,
  hubContractPaths,
  registeredServices,
  underPrefix,
} from './support/platform';

const values = chartValues();
const chartServices = Object.keys(values.services).sort();
const defaults = renderChart(setArgs(requiredSecrets));
const deploymentOf = (service: string) => find(defaults, 'Deployment', `shop-${service}`);
const containerOf = (service: string) => deploymentOf(service).spec.template.spec.containers[0];
const envOf = (service: string) =>
  Object.fromEntries(
    (containerOf(service).env as Array<{ name: string; value?: string; valueFrom?: unknown }>).map((e) => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );

function withoutSecret(key: string): string[] {
  const { [key]: _left, ...others } = requiredSecrets;
  return setArgs(others);
}

describe('helm lint', () => {
  it('passes with the required secrets given', () => {
    const result = helm(['lint', chartDir, '--strict', ...setArgs(requiredSecrets)]);
    expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it('passes with values-local.yaml', () => {
    const result = helm(['lint', chartDir, '--strict', '--values', localValues]);
    expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
  });
});

describe('the chart without its secrets', () => {
  it.each([
    ['secrets.jwtKeys.value', 'secrets.jwtKeys.value is required'],
    ['secrets.admin.email', 'secrets.admin.email is required'],
    ['secrets.admin.password', 'secrets.admin.password is required'],
    ['secrets.hub.accessKey', 'secrets.hub.accessKey is required'],
    ['secrets.smtp.url', 'secrets.smtp.url is required'],
    ['services.orders.database.password', 'services.orders.database.password is required'],
    ['services.identity.database.user', 'services.identity.database.user is required'],
    ['dapr.redis.host', 'dapr.redis.host is required'],
  ])('refuses to render without %s, saying so', (key, message) => {
    const result = helmTemplate(withoutSecret(key));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it('refuses to render with no values at all, naming the first missing secret', () => {
    const result = helmTemplate([]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/secrets\.\w+\.\w+ is required/);
  });

  it('refuses a JWT keys secret shorter than 32 characters', () => {
    const result = helmTemplate(setArgs({ ...requiredSecrets, 'secrets.jwtKeys.value': 'too-short' }));
    expect(result.stderr).toContain('secrets.jwtKeys.value must be at least 32 characters long');
  });

  it('renders with existing Secrets named instead, and then renders none of its own', () => {
    const manifests = renderChart([
      ...setArgs({ 'dapr.redis.host': 'redis:6379' }),
      ...setArgs({
        'secrets.jwtKeys.existingSecret': 'prod-jwt-keys',
        'secrets.admin.existingSecret': 'prod-admin',
        'secrets.hub.existingSecret': 'prod-hub',
        'secrets.smtp.existingSecret': 'prod-smtp',
        'secrets.databases.existingSecret': 'prod-databases',
        ...Object.fromEntries(
          chartServices.flatMap((service) => [
            [`secrets.meshTokens.existingSecrets.${service}.daprApiToken`, `prod-${service}-dapr`],
            [`secrets.meshTokens.existingSecrets.${service}.appApiToken`, `prod-${service}-app`],
          ]),
        ),
      }),
    ]);
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    const identity = find(manifests, 'Deployment', 'shop-identity').spec.template.spec.containers[0];
    const secretOf = (name: string) =>
      identity.env.find((e: { name: string }) => e.name === name).valueFrom.secretKeyRef as {
        name: string;
        key: string;
      };
    expect(secretOf('JWT_KEYS_SECRET')).toEqual({ name: 'prod-jwt-keys', key: 'JWT_KEYS_SECRET' });
    expect(secretOf('SHOP_ADMIN_PASSWORD')).toEqual({ name: 'prod-admin', key: 'SHOP_ADMIN_PASSWORD' });
    expect(secretOf('DATABASE_URL')).toEqual({ name: 'prod-databases', key: 'identity' });
    const notifications = find(manifests, 'Deployment', 'shop-notifications').spec.template.spec.containers[0];
    expect(notifications.env.find((e: { name: string }) => e.name === 'SMTP_URL').valueFrom.secretKeyRef).toEqual({
      name: 'prod-smtp',
      key: 'SMTP_URL',
    });
  });
});

describe('values.schema.json', () => {
  it('rejects a value of the wrong type, naming it', () => {
    const result = helmTemplate([...setArgs(requiredSecrets), '--set', 'services.catalog.replicaCount=two']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("at '/services/catalog/replicaCount': got string, want integer");
  });

  it('rejects a misspelt key instead of ignoring it', () => {
    const result = helmTemplate([...setArgs(requiredSecrets), '--set', 'services.catalog.replicas=3']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("additional properties 'replicas' not allowed");
  });

  it('rejects a log level the services would refuse at start', () => {
    const result = helmTemplate([...setArgs(requiredSecrets), '--set', 'logLevel=verbose']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('/logLevel');
  });
});

describe('the services', () => {
  it('deploys every service the platform registers, and the hub, and the gateway in front of them', () => {
    const registered = registeredServices.map((s) => s.name);
    expect(chartServices).toEqual([...new Set([...registered, 'hub'])].sort());
    expect(
      ofKind(defaults, 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual([...chartServices, 'gateway'].map((s) => `shop-${s}`).sort());
  });

  it.each(chartServices)('runs %s beside a Dapr sidecar whose app id is the service name', (service) => {
    const annotations = deploymentOf(service).spec.template.metadata.annotations as Record<string, string>;
    const configuration = find(defaults, 'Configuration', `shop-dapr-${service}`);
    expect(annotations).toMatchObject({
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': service,
      'dapr.io/app-port': String(containerOf(service).ports[0].containerPort),
      'dapr.io/config': configuration.metadata.name,
      'dapr.io/api-token-secret': `shop-${service}-dapr-api-token`,
      'dapr.io/app-token-secret': `shop-${service}-app-api-token`,
      'dapr.io/log-level': 'info',
      'dapr.io/enable-metrics': 'true',
      'dapr.io/sidecar-cpu-request': '50m',
      'dapr.io/sidecar-cpu-limit': '500m',
      'dapr.io/sidecar-memory-request': '64Mi',
      'dapr.io/sidecar-memory-limit': '256Mi',
    });
  });

  it.each(chartServices)(
    'probes %s on /healthz (liveness) and /readyz (readiness) and limits its resources',
    (service) => {
      const container = containerOf(service);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String) }));
      expect(container.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
      expect(deploymentOf(service).spec.template.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
      });
      expect(container.image).toBe(`ghcr.io/shop-platform/shop-${service}:0.1.0`);
    },
  );

  it.each(chartServices)(
    'gives %s the environment its configuration schema reads, listening on all interfaces',
    (service) => {
      const env = envOf(service);
      expect(env).toMatchObject({
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        APP_PORT: String(containerOf(service).ports[0].containerPort),
        JWT_ISSUER: 'shop-identity',
        JWT_AUDIENCE: 'shop',
        JWKS_URL: 'http://shop-identity.shop.svc.cluster.local/api/auth/jwks',
      });
      expect('DATABASE_URL' in env).toBe(databaseServices.includes(service));
    },
  );

  it.each(services.map((manifest) => [manifest.name, manifest.data !== undefined] as const))(
    'gives %s a database exactly when its manifest declares data (%s)',
    (service, declaresData) => {
      expect(values.services[service]?.database.enabled).toBe(declaresData);
      expect(databaseServices.includes(service)).toBe(declaresData);
    },
  );

  it('hands the identity service its keys secret and admin account, and the hub its access key, from Secrets', () => {
    expect(envOf('identity')).toMatchObject({
      JWT_KEYS_SECRET: { secretKeyRef: { name: 'shop-jwt-keys', key: 'JWT_KEYS_SECRET' } },
      SHOP_ADMIN_EMAIL: { secretKeyRef: { name: 'shop-admin', key: 'SHOP_ADMIN_EMAIL' } },
      SHOP_ADMIN_PASSWORD: { secretKeyRef: { name: 'shop-admin', key: 'SHOP_ADMIN_PASSWORD' } },
    });
    expect(envOf('hub')).toMatchObject({
      HUB_ACCESS_KEY: { secretKeyRef: { name: 'shop-hub', key: 'HUB_ACCESS_KEY' } },
    });
    expect(find(defaults, 'Secret', 'shop-hub').stringData).toEqual({ HUB_ACCESS_KEY: 'a-hub-access-key' });
  });

  it('hands the notifications service its SMTP server from a Secret and its sender as a value, SMS off', () => {
    expect(envOf('notifications')).toMatchObject({
      SMTP_URL: { secretKeyRef: { name: 'shop-smtp', key: 'SMTP_URL' } },
      MAIL_FROM: 'Shop <no-reply@shop.local>',
    });
    expect(find(defaults, 'Secret', 'shop-smtp').stringData).toEqual({
      SMTP_URL: 'smtp://mailer:a-mail-password@smtp.shop.example:587',
    });
    expect(Object.keys(envOf('notifications')).filter((name) => name.startsWith('SMS_'))).toEqual([]);
    expect(ofKind(defaults, 'Secret').map((secret) => secret.metadata.name)).not.toContain('shop-sms');
    // Only the notifications service gets them.
    expect('SMTP_URL' in envOf('orders')).toBe(false);
  });

  it('gives the notifications service an SMS provider when its URL, sender and credentials are all given', () => {
    const sms = {
      'notifications.sms.apiUrl': 'https://api.twilio.com',
      'notifications.sms.from': '+15005550006',
      'secrets.sms.accountSid': 'AC0123456789abcdef0123456789abcdef',
      'secrets.sms.authToken': 'an-sms-auth-token',
    };
    const manifests = renderChart(setArgs({ ...requiredSecrets, ...sms }));
    const env = Object.fromEntries(
      (
        find(manifests, 'Deployment', 'shop-notifications').spec.template.spec.containers[0].env as Array<{
          name: string;
          value?: string;
          valueFrom?: unknown;
        }>
      ).map((e) => [e.name, e.value ?? e.valueFrom]),
    );
    expect(env).toMatchObject({
      SMS_API_URL: 'https://api.twilio.com',
      SMS_FROM: '+15005550006',
      SMS_ACCOUNT_SID: { secretKeyRef: { name: 'shop-sms', key: 'SMS_ACCOUNT_SID' } },
      SMS_AUTH_TOKEN: { secretKeyRef: { name: 'shop-sms', key: 'SMS_AUTH_TOKEN' } },
    });
    expect(find(manifests, 'Secret', 'shop-sms').stringData).toEqual({
      SMS_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      SMS_AUTH_TOKEN: 'an-sms-auth-token',
    });
    // Half a provider would fail every message: the render stops, naming what is missing.
    const { 'secrets.sms.authToken': _token, ...withoutToken } = sms;
    expect(helmTemplate(setArgs({ ...requiredSecrets, ...withoutToken })).stderr).toContain(
      'secrets.sms.authToken is required with notifications.sms.apiUrl',
    );
    const { 'notifications.sms.apiUrl': _url, ...withoutUrl } = sms;
    expect(helmTemplate(setArgs({ ...requiredSecrets, ...withoutUrl })).stderr).toContain(
      'notifications.sms.apiUrl is required when the SMS sender or credentials are given',
    );
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps://', () => {
    const result = helmTemplate(setArgs({ ...requiredSecrets, 'secrets.smtp.url': 'http://smtp.shop.example' }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('/secrets/smtp/url');
  });

  it("joins the hub's replicas through the components' Redis and names its in-cluster endpoint", () => {
    expect(envOf('hub')).toMatchObject({
      HUB_ENDPOINT: 'http://shop-hub.shop.svc.cluster.local',
      HUB_REDIS_HOST: 'redis.shop.example:6379',
      HUB_REDIS_TLS: 'false',
    });
    expect('HUB_REDIS_PASSWORD' in envOf('hub')).toBe(false);
    const secured = renderChart([
      ...setArgs(requiredSecrets),
      ...setArgs({ 'dapr.redis.passwordSecret.name': 'redis-auth', 'dapr.redis.passwordSecret.key': 'password' }),
      '--set',
      'dapr.redis.enableTLS=true',
    ]);
    const hubEnv = Object.fromEntries(
      (
        find(secured, 'Deployment', 'shop-hub').spec.template.spec.containers[0].env as Array<{
          name: string;
          value?: string;
          valueFrom?: unknown;
        }>
      ).map((e) => [e.name, e.value ?? e.valueFrom]),
    );
    expect(hubEnv).toMatchObject({
      HUB_REDIS_TLS: 'true',
      HUB_REDIS_PASSWORD: { secretKeyRef: { name: 'redis-auth', key: 'password' } },
    });
  });

  it.each(chartServices)('scales %s with an autoscaling/v2 HPA and keeps one pod through disruptions', (service) => {
    const hpa = find(defaults, 'HorizontalPodAutoscaler', `shop-${service}`);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `shop-${service}` });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    const pdb = find(defaults, 'PodDisruptionBudget', `shop-${service}`);
    const podLabels = deploymentOf(service).spec.template.metadata.labels;
    expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(podLabels).toMatchObject(find(defaults, 'Service', `shop-${service}`).spec.selector);
    // With an HPA the Deployment leaves the replica count to it.
    expect(deploymentOf(service).spec.replicas).toBeUndefined();
  });

  it('adds ServiceMonitors only when asked, scraping the app and its sidecar', () => {
    expect(ofKind(defaults, 'ServiceMonitor')).toEqual([]);
    const monitored = renderChart([...setArgs(requiredSecrets), '--set', 'metrics.serviceMonitor.enabled=true']);
    const monitors = ofKind(monitored, 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(
      [...chartServices, 'gateway'].map((s) => `shop-${s}`).sort(),
    );
    const catalog = find(monitored, 'ServiceMonitor', 'shop-catalog');
    expect(catalog.spec.endpoints.map((e: { port: string; path: string }) => [e.port, e.path])).toEqual([
      ['http', '/metrics'],
      ['dapr-metrics', '/'],
    ]);
    const servicePorts = find(monitored, 'Service', 'shop-catalog').spec.ports.map((p: { name: string }) => p.name);
    expect(servicePorts).toEqual(['http', 'dapr-metrics']);
  });
});

describe('the databases', () => {
  const urls = find(defaults, 'Secret', 'shop-databases').stringData as Record<string, string>;

  it.each(databaseServices)('gives %s a SQL Server DATABASE_URL the kit opens as its own database', (service) => {
    const options = connectionOptions(urls[service] ?? '');
    expect(options).toMatchObject({
      type: 'mssql',
      host: 'sql.shop.example',
      port: 1433,
      database: service,
      username: `${service}_app`,
      password: `${service}-password`,
      options: { encrypt: true, trustServerCertificate: false },
    });
  });

  it('escapes a password with URL syntax in it so the kit reads it back unchanged', () => {
    const password = 'p@ss w:rd/+?#%&=';
    const manifests = renderChart(setArgs({ ...requiredSecrets, 'services.orders.database.password': password }));
    const url = find(manifests, 'Secret', 'shop-databases').stringData.orders as string;
    expect(connectionOptions(url)).toMatchObject({ type: 'mssql', password, database: 'orders' });
  });

  it('takes a whole URL instead, of any scheme the kit accepts', () => {
    const url = 'postgres://orders:secret@pg.shop.example:5432/orders';
    const manifests = renderChart(setArgs({ ...requiredSecrets, 'services.orders.database.url': url }));
    expect(find(manifests, 'Secret', 'shop-databases').stringData.orders).toBe(url);
  });
});

describe('the Ingress', () => {
  const routes = ingressRoutes(defaults);
  const internalOnly = values.ingress.internalOnlyPaths;

  it("sends every registered service's public paths through the gateway, and the hub's to the hub", () => {
    for (const service of registeredServices) {
      const backend = service.name === 'hub' ? 'shop-hub' : 'shop-gateway';
      for (const path of externallyRoutedPaths(service, internalOnly)) {
        for (const requested of [path, `${path}/x`]) {
          expect([requested, ingressRouteFor(routes, requested)?.service]).toEqual([requested, backend]);
        }
      }
    }
    const backends = new Set(routes.map((r) => r.service));
    expect(backends).toEqual(new Set(['shop-gateway', 'shop-hub']));
  });

  it("routes exactly each registered service's public paths (less the in-cluster ones) to it when there is no gateway", () => {
    const direct = ingressRoutes(renderChart([...setArgs(requiredSecrets), ...withoutGateway]));
    for (const service of registeredServices.filter((s) => !gatewayOnlyServices.includes(s.name))) {
      const prefixes = direct.filter((r) => r.service === `shop-${service.name}` && r.pathType === 'Prefix');
      expect(prefixes.map((r) => r.path).sort()).toEqual(externallyRoutedPaths(service, internalOnly).sort());
    }
  });

  it('refuses to render a service with a `*` public path without the gateway, which alone routes it', () => {
    const refused = helmTemplate([...setArgs(requiredSecrets), '--set', 'gateway.enabled=false']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('services.recommendations.publicPaths holds /api/products/*/recommendations');
  });

  it('counts the Ingress controller and the gateway as the proxies in front of identity, and one without the gateway', () => {
    expect(envOf('identity').TRUSTED_PROXY_HOPS).toBe('2');
    const direct = renderChart([...setArgs(requiredSecrets), ...withoutGateway]);
    const identityEnv = find(direct, 'Deployment', 'shop-identity').spec.template.spec.containers[0].env as Array<{
      name: string;
      value?: string;
    }>;
    expect(identityEnv.find((e) => e.name === 'TRUSTED_PROXY_HOPS')?.value).toBe('1');
    const more = renderChart([
      ...setArgs(requiredSecrets),
      '--set-string',
      'services.identity.env.TRUSTED_PROXY_HOPS=3',
    ]);
    const moreEnv = find(more, 'Deployment', 'shop-identity').spec.template.spec.containers[0].env as Array<{
      name: string;
      value?: string;
    }>;
    expect(moreEnv.filter((e) => e.name === 'TRUSTED_PROXY_HOPS')).toEqual([
      { name: 'TRUSTED_PROXY_HOPS', value: '3' },
    ]);
  });

  it("routes the hub's contract paths, and its manifest's once it is registered", () => {
    const hub = registeredServices.find((s) => s.name === 'hub') ?? { name: 'hub', publicPaths: hubContractPaths };
    const hubRoutes = routes.filter((r) => r.service === 'shop-hub' && r.pathType === 'Prefix');
    expect(hubRoutes.map((r) => r.path).sort()).toEqual(externallyRoutedPaths(hub, internalOnly).sort());
    expect(hubRoutes.every((r) => r.ingress === 'shop-hub')).toBe(true);
  });

  it("never routes the hub's Azure SignalR REST API from outside", () => {
    expect(internalOnly).toEqual(expect.arrayContaining(['/api/v1/hubs', '/api/hubs']));
    for (const path of ['/api/v1/hubs/inventory', '/api/hubs/orders/:send', '/api/v1/hubs']) {
      expect(routes.filter((r) => underPrefix(r.path, path))).toEqual([]);
    }
    const refused = helmTemplate([
      ...setArgs(requiredSecrets),
      '--set',
      'services.hub.publicPaths={/hubs,/api/v1/hubs}',
    ]);
    expect(refused.stderr).toContain('it must stay inside the cluster');
  });

  it("serves each service's OpenAPI document at /openapi/<service>.json, the hub's directly, the others' through the gateway", () => {
    for (const service of chartServices) {
      const path = `/openapi/${service}.json`;
      expect([path, ingressRouteFor(routes, path)?.service]).toEqual([
        path,
        service === 'hub' ? 'shop-hub' : 'shop-gateway',
      ]);
    }
    expect(routes.filter((r) => r.pathType === 'Exact' && r.service === 'shop-hub').map((r) => r.path)).toEqual([
      '/openapi/hub.json',
    ]);
  });

  it('keeps WebSockets, Server-Sent Events and long polls open on the hub and pins a client to one replica', () => {
    const hub = find(defaults, 'Ingress', 'shop-hub');
    expect(hub.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
      'nginx.ingress.kubernetes.io/affinity': 'cookie',
    });
    expect(find(defaults, 'Ingress', 'shop-api').metadata.annotations).toBeUndefined();
  });

  it('serves one host over TLS when asked', () => {
    const manifests = renderChart([
      ...setArgs(requiredSecrets),
      ...setArgs({ 'ingress.host': 'shop.example.com', 'ingress.tls.secretName': 'shop-tls' }),
      '--set',
      'ingress.tls.enabled=true',
    ]);
    for (const ingress of ofKind(manifests, 'Ingress')) {
      expect(ingress.spec.tls).toEqual([{ secretName: 'shop-tls', hosts: ['shop.example.com'] }]);
      expect(ingress.spec.rules[0].host).toBe('shop.example.com');
    }
  });
});

describe('the Dapr resources', () => {
  const componentFile = (name: string) => parse(readFileSync(join(repoRoot, 'components', name), 'utf8'));

  it('mirrors components/resiliency.yaml', () => {
    const resiliency = find(defaults, 'Resiliency', 'shop-resiliency');
    expect(resiliency.spec).toEqual(componentFile('resiliency.yaml').spec);
    expect([...resiliency.scopes].sort()).toEqual(chartServices);
  });

  it.each([
    ['pubsub', 'pubsub.yaml'],
    ['statestore', 'statestore.yaml'],
  ])('declares %s as components/%s does, with the Redis address written in', (name, file) => {
    const component = find(defaults, 'Component', name);
    const local = componentFile(file);
    expect(component.spec.type).toBe(local.spec.type);
    // The scopes come from mesh-policy.yaml (tests/deploy/mesh-policy-chart.test.ts).
    const scopeKeys = ['publishingScopes', 'subscriptionScopes'];
    const metadata = (list: Array<{ name: string; value?: string; envRef?: string }>) =>
      Object.fromEntries(
        list.filter((m) => !scopeKeys.includes(m.name)).map((m) => [m.name, m.value ?? `env:${m.envRef}`]),
      );
    expect(metadata(component.spec.metadata)).toEqual({
      ...metadata(local.spec.metadata),
      redisHost: 'redis.shop.example:6379',
    });
    expect([...component.scopes].sort()).toEqual(chartServices);
  });

  it('reads the Redis password from a Secret when one is named', () => {
    const manifests = renderChart(
      setArgs({
        ...requiredSecrets,
        'dapr.redis.passwordSecret.name': 'redis-auth',
        'dapr.redis.passwordSecret.key': 'pw',
      }),
    );
    expect(find(manifests, 'Component', 'pubsub').spec.metadata).toContainEqual({
      name: 'redisPassword',
      secretKeyRef: { name: 'redis-auth', key: 'pw' },
    });
  });

  it("lets the secrets component read only the Secrets listed for it, through the pods' ServiceAccount", () => {
    expect(ofKind(defaults, 'Role')).toEqual([]);
    for (const service of chartServices) {
      expect(deploymentOf(service).spec.template.spec.serviceAccountName).toBe('shop');
    }
    const manifests = renderChart([
      ...setArgs(requiredSecrets),
      '--set',
      'dapr.secretStore.readableSecrets={payment-provider}',
    ]);
    expect(find(manifests, 'Role', 'shop-secret-store').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['payment-provider'] },
    ]);
    expect(find(manifests, 'RoleBinding', 'shop-secret-store').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'shop', namespace: 'shop' },
    ]);
    expect(find(manifests, 'Component', 'secrets').spec.type).toBe('secretstores.kubernetes');
  });

  it("gives the notifications and analytics services alone an azure.signalr output binding to the hub's REST API, with the hub's key", () => {
    const binding = find(defaults, 'Component', 'hub-signalr');
    expect(binding.scopes).toEqual(['notifications', 'analytics']);
    expect(binding.spec).toEqual({
      type: 'bindings.azure.signalr',
      version: 'v1',
      metadata: [
        // The same endpoint the hub signs and checks its access-key tokens for.
        { name: 'endpoint', value: envOf('hub').HUB_ENDPOINT },
        { name: 'accessKey', secretKeyRef: (envOf('hub').HUB_ACCESS_KEY as { secretKeyRef: unknown }).secretKeyRef },
        { name: 'hub', value: 'notifications' },
      ],
    });
    const withoutHub = renderChart([...setArgs(requiredSecrets), '--set', 'services.hub.enabled=false']);
    expect(ofKind(withoutHub, 'Component').map((c) => c.metadata.name)).not.toContain('hub-signalr');
    // Each sending service alone keeps it.
    const analyticsAlone = renderChart([...setArgs(requiredSecrets), '--set', 'services.notifications.enabled=false']);
    expect(find(analyticsAlone, 'Component', 'hub-signalr').scopes).toEqual(['analytics']);
    const neither = renderChart([
      ...setArgs(requiredSecrets),
      ...['--set', 'services.notifications.enabled=false', '--set', 'services.analytics.enabled=false'],
    ]);
    expect(ofKind(neither, 'Component').map((c) => c.metadata.name)).not.toContain('hub-signalr');
  });

  it('declares each dead-letter subscription exactly as the kit serves it from /dapr/subscribe, scoped to its app', () => {
    const subscriptions = ofKind(defaults, 'Subscription');
    expect(subscriptions.map((s) => s.scopes).sort()).toEqual(chartServices.map((s) => [s]));
    for (const subscription of subscriptions) {
      const [appId] = subscription.scopes as string[];
      const topic = deadLetterTopicFor(appId ?? '');
      expect(subscription.apiVersion).toBe('dapr.io/v2alpha1');
      expect(subscription.spec).toEqual({ pubsubname: 'pubsub', topic, routes: { default: `/dapr/events/${topic}` } });
    }
  });
});

describe('the mesh tokens', () => {
  const secretRefOf = (service: string, name: string) =>
    (containerOf(service).env as Array<{ name: string; valueFrom?: { secretKeyRef?: unknown } }>).find(
      (e) => e.name === name,
    )?.valueFrom?.secretKeyRef;

  it.each(chartServices)(
    "gives %s's sidecar (through the injector's annotations) and its app the same two tokens, from Secrets of its own",
    (service) => {
      const annotations = deploymentOf(service).spec.template.metadata.annotations as Record<string, string>;
      // Dapr's injector reads key `token` of the Secret each annotation names (pkg/injector/patcher, 1.18.3).
      expect(secretRefOf(service, 'DAPR_API_TOKEN')).toEqual({
        name: annotations['dapr.io/api-token-secret'],
        key: 'token',
      });
      expect(secretRefOf(service, 'APP_API_TOKEN')).toEqual({
        name: annotations['dapr.io/app-token-secret'],
        key: 'token',
      });
      for (const secretName of [annotations['dapr.io/api-token-secret'], annotations['dapr.io/app-token-secret']]) {
        expect(find(defaults, 'Secret', secretName ?? '').stringData.token).toMatch(/^[A-Za-z0-9]{64}$/);
      }
      expect(annotations['checksum/mesh-tokens']).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it('generates a different token for every service and direction', () => {
    const tokens = ofKind(defaults, 'Secret')
      .filter((secret) => secret.metadata.name.endsWith('-token'))
      .map((secret) => secret.stringData.token as string);
    expect(tokens).toHaveLength(chartServices.length * 2);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it("takes a service's tokens from Secrets of your own instead, and then generates none for it", () => {
    const manifests = renderChart([
      ...setArgs(requiredSecrets),
      ...setArgs({
        'secrets.meshTokens.existingSecrets.catalog.daprApiToken': 'vault-catalog-dapr',
        'secrets.meshTokens.existingSecrets.catalog.appApiToken': 'vault-catalog-app',
      }),
    ]);
    const catalog = find(manifests, 'Deployment', 'shop-catalog').spec.template;
    expect(catalog.metadata.annotations).toMatchObject({
      'dapr.io/api-token-secret': 'vault-catalog-dapr',
      'dapr.io/app-token-secret': 'vault-catalog-app',
    });
    expect(catalog.metadata.annotations['checksum/mesh-tokens']).toBeUndefined();
    const env = catalog.spec.containers[0].env as Array<{ name: string; valueFrom?: { secretKeyRef?: unknown } }>;
    expect(env.find((e) => e.name === 'APP_API_TOKEN')?.valueFrom?.secretKeyRef).toEqual({
      name: 'vault-catalog-app',
      key: 'token',
    });
    const generated = ofKind(manifests, 'Secret').map((secret) => secret.metadata.name);
    expect(generated.filter((name) => name.startsWith('shop-catalog-'))).toEqual([]);
    expect(generated).toContain('shop-orders-app-api-token');
  });

  it('keeps tokens given in the values, and refuses one shorter than 32 characters', () => {
    const given = 'a-dapr-api-token-given-in-the-values-0123';
    const args = [
      ...setArgs(requiredSecrets),
      ...setArgs({
        'secrets.meshTokens.values.orders.daprApiToken': given,
        'secrets.meshTokens.values.orders.appApiToken': `${given}-app`,
      }),
    ];
    const [first, second] = [renderChart(args), renderChart(args)];
    expect(find(first, 'Secret', 'shop-orders-dapr-api-token').stringData.token).toBe(given);
    expect(find(first, 'Secret', 'shop-orders-app-api-token').stringData.token).toBe(`${given}-app`);
    const checksumOf = (manifests: typeof first) =>
      find(manifests, 'Deployment', 'shop-orders').spec.template.metadata.annotations['checksum/mesh-tokens'];
    expect(checksumOf(first)).toBe(checksumOf(second));
    // The others are still generated, so they differ between two renders without a cluster to read back from.
    expect(find(first, 'Secret', 'shop-catalog-app-api-token').stringData.token).not.toBe(
      find(second, 'Secret', 'shop-catalog-app-api-token').stringData.token,
    );
    const short = helmTemplate([
      ...setArgs(requiredSecrets),
      ...setArgs({
        'secrets.meshTokens.values.orders.daprApiToken': 'short',
        'secrets.meshTokens.values.orders.appApiToken': given,
      }),
    ]);
    expect(short.status).not.toBe(0);
    expect(short.stderr).toContain('/secrets/meshTokens/values/orders/daprApiToken');
  });

  it('refuses a Secret of your own for one of the two tokens only', () => {
    const result = helmTemplate([
      ...setArgs(requiredSecrets),
      ...setArgs({ 'secrets.meshTokens.existingSecrets.catalog.daprApiToken': 'vault-catalog-dapr' }),
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("missing property 'appApiToken'");
  });

  it.each(['APP_API_TOKEN', 'DAPR_API_TOKEN', 'HOST'])(
    'refuses services.<name>.env.%s, which the chart sets',
    (name) => {
      const result = helmTemplate([...setArgs(requiredSecrets), '--set-string', `services.catalog.env.${name}=x`]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`invalid propertyName '${name}'`);
    },
  );
});

describe('values-local.yaml', () => {
  const local = renderChart(['--values', localValues]);

  it('runs one replica of each service and of the gateway from locally built images, without autoscaling', () => {
    for (const service of [...chartServices, 'gateway']) {
      const deployment = find(local, 'Deployment', `shop-${service}`);
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.template.spec.containers[0].image).toBe(`shop-${service}:dev`);
    }
    expect(ofKind(local, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(local, 'PodDisruptionBudget')).toEqual([]);
  });

  it('connects each service to k8s/sqlserver.yaml with the login k8s/sqlserver-init.yaml creates for it', () => {
    const devSecret = parse(readFileSync(join(repoRoot, 'k8s', 'sqlserver.yaml'), 'utf8').split(/^---$/m)[0] ?? '')
      .stringData as Record<string, string>;
    const urls = find(local, 'Secret', 'shop-databases').stringData as Record<string, string>;
    for (const service of databaseServices) {
      expect(connectionOptions(urls[service] ?? '')).toMatchObject({
        type: 'mssql',
        host: 'sqlserver.shop.svc.cluster.local',
        database: service,
        username: `${service}_app`,
        password: devSecret[`${service.toUpperCase()}_PASSWORD`],
        options: { trustServerCertificate: true },
      });
    }
  });

  it('points the components at k8s/redis.yaml and the sidecars at k8s/otel-collector.yaml', () => {
    const pubsub = find(local, 'Component', 'pubsub');
    expect(pubsub.spec.metadata).toContainEqual({ name: 'redisHost', value: 'redis.shop.svc.cluster.local:6379' });
    const annotations = find(local, 'Deployment', 'shop-orders').spec.template.metadata.annotations;
    expect(annotations['dapr.io/env']).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT=otel-collector.shop.svc.cluster.local:4317',
    );
  });

  it('renders the same mesh tokens every time, so a re-render (Tilt) rolls no pod', () => {
    const again = renderChart(['--values', localValues]);
    for (const service of chartServices) {
      for (const kind of ['dapr-api', 'app-api']) {
        const name = `shop-${service}-${kind}-token`;
        expect(find(local, 'Secret', name).stringData.token).toBe(find(again, 'Secret', name).stringData.token);
      }
    }
  });

  it("sends the cluster's email to k8s/mailpit.yaml's SMTP port", () => {
    const mailpit = parse(readFileSync(join(repoRoot, 'k8s', 'mailpit.yaml'), 'utf8').split(/^---$/m)[1] ?? '');
    const smtpPort = mailpit.spec.ports.find((p: { name: string }) => p.name === 'smtp').port;
    expect(find(local, 'Secret', 'shop-smtp').stringData).toEqual({
      SMTP_URL: `smtp://${mailpit.metadata.name}.shop.svc.cluster.local:${smtpPort}`,
    });
  });

  it('keeps the contract development admin, so the e2e suite runs against the cluster as it is', () => {
    expect(find(local, 'Secret', 'shop-admin').stringData).toEqual({
      SHOP_ADMIN_EMAIL: 'admin@shop.local',
      SHOP_ADMIN_PASSWORD: 'admin-dev-password',
    });
  });
});
