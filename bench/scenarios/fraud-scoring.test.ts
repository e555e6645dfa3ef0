import { openBenchDatabase, scoreStream } from './fraud-scoring';
import { generateStream } from './fraud-stream';

/** A smaller stream of the benchmark's kind (other seed): the scorer must do what the benchmark reports. */
const stream = generateStream({
  seed: 7,
  normalCustomers: 300,
  cardTestings: 8,
  accountTakeovers: 10,
  velocityBursts: 6,
  hours: 24,
});

describe('the fraud scorer on a generated stream with planted fraud', () => {
  it('catches more of the planted fraud than the contract’s rules alone, holding no more normal orders', async () => {
    const dataSource = await openBenchDatabase();
    try {
      const result = await scoreStream(stream, dataSource);
      expect(result.frauds).toBeGreaterThan(50);
      expect(result.model.recall).toBeGreaterThan(result.rulesOnly.recall * 1.5);
      // Business customers' orders above the review total are held by the contract and count against both.
      expect(result.model.precision).toBeGreaterThanOrEqual(Math.max(0.8, result.rulesOnly.precision));
      // Account takeovers break no rule (new account, foreign card, big basket under the review total).
      expect(result.rulesOnly.heldShare['account-takeover']).toBe(0);
      expect(result.model.heldShare['account-takeover']).toBeGreaterThanOrEqual(0.6);
      expect(result.model.heldShare['card-testing']).toBeGreaterThan(result.rulesOnly.heldShare['card-testing']);
      expect(result.model.heldShare.normal).toBeLessThanOrEqual(result.rulesOnly.heldShare.normal + 0.01);
      // The p99 goal is the benchmark's to report: on a machine shared with other work a preempted order or two
      // would decide a p99 of a few hundred; the median cannot be bent that way.
      expect(result.scoringP50Ms).toBeLessThanOrEqual(0.5);
    } finally {
      await dataSource.destroy();
    }
  }, 60_000);
});
