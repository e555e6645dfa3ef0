import { ConfigError, loadConfig, type ServiceManifest } from '@shop/kit';
import { inventoryConfigSchema } from '../src/config';
import { inventoryService } from '../src/service';

describe('inventory configuration', () => {
  it('defaults to a 15-minute reservation TTL and a low-stock threshold of 5', () => {
    expect(loadConfig(inventoryConfigSchema, {})).toEqual({
      RESERVATION_TTL_SECONDS: 900,
      RESERVATION_SWEEP_INTERVAL_MS: 5_000,
      RESERVATION_SWEEP_BATCH_SIZE: 100,
      LOW_STOCK_THRESHOLD: 5,
    });
  });

  it('reads its variables from the environment', () => {
    expect(
      loadConfig(inventoryConfigSchema, { RESERVATION_TTL_SECONDS: '60', LOW_STOCK_THRESHOLD: '0' }),
    ).toMatchObject({
      RESERVATION_TTL_SECONDS: 60,
      LOW_STOCK_THRESHOLD: 0,
    });
  });

  it('names every bad variable at once', () => {
    expect(() =>
      loadConfig(inventoryConfigSchema, { RESERVATION_TTL_SECONDS: '0', LOW_STOCK_THRESHOLD: 'some' }),
    ).toThrow(ConfigError);
    try {
      loadConfig(inventoryConfigSchema, { RESERVATION_TTL_SECONDS: '0', LOW_STOCK_THRESHOLD: 'some' });
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual([
        'RESERVATION_TTL_SECONDS',
        'LOW_STOCK_THRESHOLD',
      ]);
    }
  });

  it('is a manifest the platform hosts beside the others', () => {
    const services: ServiceManifest[] = [inventoryService];
    expect(services[0]).toMatchObject({ name: 'inventory', publicPaths: ['/api/inventory'] });
  });
});
