import { resolveDaprBinary } from './daprd';
import { ensureBinary, initdb, pgCtl, redisServer } from './system-binaries';

/**
 * Jest globalSetup of the integration project: checks the real infrastructure the suites start is
 * installed, and resolves (building when needed) daprd and sentry once, so every worker reuses them via
 * SHOP_DAPRD and SHOP_SENTRY.
 */
export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  for (const spec of [redisServer, initdb, pgCtl]) {
    try {
      ensureBinary(spec);
    } catch (error) {
      missing.push((error as Error).message);
    }
  }
  for (const binary of ['daprd', 'sentry'] as const) {
    try {
      process.env[`SHOP_${binary.toUpperCase()}`] = resolveDaprBinary(binary);
    } catch (error) {
      missing.push((error as Error).message);
    }
  }
  if (missing.length > 0) {
    throw new Error(`The integration tests need programs that are missing:\n- ${missing.join('\n- ')}`);
  }
}
