import { ApiRoutes, type HandlerContext, intervalJob, type ServiceManifest } from '@shop/kit';
import { ensureAdmin } from './application/ensure-admin';
import type { IdentityDeps } from './application/ports';
import { sessionState } from './application/session-state';
import { adminRoutes } from './http/admin-routes';
import { keyAdminRoutes, publicAuthRoutes } from './http/auth-routes';
import { customerRoutes } from './http/customer-routes';
import type { IdentityHttp } from './http/identity-http';
import { internalSessionRoutes } from './http/internal-session-routes';
import { type IdentityConfig, identityConfigSchema } from './identity-config';
import { identityEntities } from './infrastructure/entities';
import { jwtAccessTokens } from './infrastructure/jwt-access-tokens';
import { identityMigrations } from './infrastructure/migrations';
import { scryptPasswords } from './infrastructure/scrypt-passwords';
import { SigningKeyRing } from './infrastructure/signing-keys';
import { stateLoginAttempts } from './infrastructure/state-login-attempts';
import { typeormReads, typeormUnitOfWork } from './infrastructure/typeorm-store';

const keyMaintenanceIntervalMs = 60 * 60_000;
const daySeconds = 86_400;

export const identityService: ServiceManifest<IdentityConfig> = {
  name: 'identity',
  publicPaths: ['/api/auth', '/api/customers'],
  config: identityConfigSchema,
  data: { entities: identityEntities, migrations: identityMigrations },
  outbox: true,
  async setup({ config, dataSource, log, mesh, authenticate }) {
    const clock = { now: () => new Date() };
    const keys = new SigningKeyRing({
      dataSource,
      clock,
      ...(config.JWT_KEYS_SECRET ? { encryptionSecret: config.JWT_KEYS_SECRET } : {}),
      rotationIntervalSeconds: config.JWT_KEY_ROTATION_DAYS * daySeconds,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    });
    await keys.ensureKey();
    const deps: IdentityDeps = {
      unitOfWork: typeormUnitOfWork(dataSource),
      reads: typeormReads(dataSource),
      passwords: scryptPasswords({ log2Cost: config.PASSWORD_HASH_COST }),
      accessTokens: jwtAccessTokens({
        keys,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      }),
      loginAttempts: stateLoginAttempts(mesh.state, {
        account: {
          maxAttempts: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
          windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
        },
        address: {
          maxAttempts: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
          windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
        },
      }),
      clock,
      refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_DAYS * daySeconds,
    };
    // Work no request or event asks for (start-up, the kit's session checks) runs with the service's logger.
    const serviceContext: HandlerContext = { log };
    if (config.SHOP_ADMIN_EMAIL && config.SHOP_ADMIN_PASSWORD) {
      const outcome = await ensureAdmin(
        serviceContext,
        { email: config.SHOP_ADMIN_EMAIL, password: config.SHOP_ADMIN_PASSWORD },
        deps,
      );
      log.info({ admin: config.SHOP_ADMIN_EMAIL, outcome }, 'admin account ensured');
    }

    const http: IdentityHttp = { deps, keys, authenticate, trustedProxyHops: config.TRUSTED_PROXY_HOPS };
    const api = new ApiRoutes();
    // Before `authenticate`: a client refreshing its session still sends its expired access token.
    publicAuthRoutes(api, http);
    internalSessionRoutes(api, http);
    api.use(authenticate);
    keyAdminRoutes(api, http);
    customerRoutes(api, http);
    adminRoutes(api, http);

    // The kit serves it without the /internal/ paths.
    const openApi = api.openApi({
      title: 'identity',
      version: '1',
      description: 'Customers, authentication and roles.',
    });
    return {
      router: api.router,
      openApi,
      sessionAuthority: (sessionId) => sessionState(serviceContext, { sessionId }, deps),
      jobs: [
        intervalJob({
          name: 'signing key maintenance',
          everyMs: keyMaintenanceIntervalMs,
          run: () => keys.maintain(),
          log,
          runAtStart: true,
        }),
      ],
    };
  },
};
