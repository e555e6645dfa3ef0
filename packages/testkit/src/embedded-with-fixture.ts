import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  type EmbeddedOptions,
  type EmbeddedPlatform,
  type Logger,
  runEmbedded,
  type ServiceManifest,
} from '@shop/kit';
import { audience, type FixtureIdentity, issuer, newSigningKey, type SigningKey, serveJwks } from './jwt-fixture';

export interface FixturePlatform {
  platform: EmbeddedPlatform;
  /** Serves the JWKS and answers the session checks of the fixture's tokens, as app `identity` on the bus. */
  identity: FixtureIdentity;
  /** Signs the fixture's access tokens (signToken). */
  key: SigningKey;
  /** SHOP_DATA_DIR of this run. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Some services in the embedded topology without the real identity service: tokens come from a fixture key, and
 * the fixture answers the JWKS and the session checks every verifier makes (on the bus, as app `identity`).
 */
export async function startWithFixtureIdentity(
  manifests: ServiceManifest[],
  options: {
    name: string;
    env?: Record<string, string>;
    /** The platform's logger (every service logs through it); a quiet one by default. */
    log?: Logger;
    wrapMesh?: EmbeddedOptions['wrapMesh'];
  },
): Promise<FixturePlatform> {
  const key = newSigningKey(`${options.name}-key`);
  const identity = await serveJwks([key]);
  const dataDir = mkdtempSync(join(tmpdir(), `${options.name}-`));
  const platform = await runEmbedded(manifests, {
    env: {
      PORT: '0',
      SHOP_DATA_DIR: dataDir,
      LOG_LEVEL: 'fatal',
      JWKS_URL: `${identity.url}/jwks`,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: audience,
      ...options.env,
    },
    log: options.log ?? createLogger({ name: options.name, level: 'fatal' }),
    ...(options.wrapMesh ? { wrapMesh: options.wrapMesh } : {}),
  }).catch(async (error: unknown) => {
    await identity.close();
    throw error;
  });
  platform.bus.register('identity', { listener: identity.listener });
  return {
    platform,
    identity,
    key,
    dataDir,
    async stop() {
      await platform.shutdown();
      await identity.close();
    },
  };
}
