import { quickPasswordHashing } from '@shop/testkit/src/quick-passwords';
import { startTopology } from './topology';

export default async function startOnce(): Promise<void> {
  await startTopology('dapr', { ...quickPasswordHashing, SHOP_DAPR_BUNDLES: 'true' });
}
