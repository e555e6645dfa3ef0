import { Registry } from 'prom-client';
import { type HealthState, operationsRouter } from '../../src/http/health';

describe('shop_readiness_check: /readyz on /metrics', () => {
  it('reports each check 1 while it passes and 0 once it fails, and every check 0 once shutdown began', async () => {
    const metrics = new Registry();
    let databaseUp = true;
    const state: HealthState = { accepting: true };
    operationsRouter({
      metrics,
      state,
      checks: () => [
        {
          name: 'orders.database',
          check: async () => {
            if (!databaseUp) throw new Error('connection refused');
          },
        },
        { name: 'orders.sidecar', check: async () => {} },
      ],
    });
    expect(await metrics.metrics()).toContain('shop_readiness_check{check="orders.database"} 1');

    databaseUp = false;
    let text = await metrics.metrics();
    expect(text).toContain('shop_readiness_check{check="orders.database"} 0');
    expect(text).toContain('shop_readiness_check{check="orders.sidecar"} 1');

    state.accepting = false;
    text = await metrics.metrics();
    expect(text).toContain('shop_readiness_check{check="orders.sidecar"} 0');
  });
});
