import { defaultLogOptions, evaluateOffline, generateOrderLog } from './recommendations-offline';

describe('the offline evaluation of recommendations', () => {
  it('finds the planted bundles: the model beats popularity, and popularity beats random, on hit rate@5 and NDCG@5', async () => {
    const log = generateOrderLog({ ...defaultLogOptions, orders: 4_000, products: 150, bundles: 25 });
    const [model, withoutDecay, popularity, random] = await evaluateOffline(log, {
      trainShare: 0.8,
      k: 5,
      halfLifeDays: 14,
      seed: 3,
    });
    expect(model?.queries).toBeGreaterThan(100);
    expect(model?.hitRate).toBeGreaterThan(popularity?.hitRate ?? 1);
    expect(model?.ndcg).toBeGreaterThan(popularity?.ndcg ?? 1);
    expect(popularity?.hitRate).toBeGreaterThan(random?.hitRate ?? 1);
    // The second season's bundles: decay follows them, counting everything alike lags.
    expect(model?.ndcg).toBeGreaterThan(withoutDecay?.ndcg ?? 1);
  });
});
