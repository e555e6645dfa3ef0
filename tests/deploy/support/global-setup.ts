import { resolveDaprd } from '@shop/testkit/src/daprd';
import { ensureBinary, redisServer } from '@shop/testkit/src/system-binaries';
import { deployTools } from './deploy-tools';
import { promtool } from './monitoring';

/**
 * Jest globalSetup of the deploy project: resolves (building when needed) the deployment-check tools and promtool once,
 * and the redis-server and daprd the bundled-service test starts, so every worker reuses them.
 */
export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  for (const resolve of [
    () => {
      process.env.SHOP_DEPLOY_TOOLS = JSON.stringify(deployTools());
    },
    () => {
      process.env.SHOP_PROMTOOL = promtool();
    },
    () => {
      ensureBinary(redisServer);
    },
    () => {
      process.env.SHOP_DAPRD = resolveDaprd();
    },
  ]) {
    try {
      resolve();
    } catch (error) {
      missing.push((error as Error).message);
    }
  }
  if (missing.length > 0) {
    throw new Error(`The deploy tests need programs that are missing:\n- ${missing.join('\n- ')}`);
  }
}
