import { ordersCeiling } from './dapr-ceiling-report';

describe('the orders ceiling', () => {
  // A publish P, a delivery D, an invocation I and a statement S, in microseconds.
  const [P, D, I, S] = [300, 200, 600, 90];
  const costs = { publishToOne: P + D, publishToTwo: P + 2 * D, invocation: I, statement: S };

  it('charges an order its publishes, deliveries and invocations from the one- and two-subscriber rows', () => {
    const crossings = { publishes: 7, deliveries: 11, invocations: 3, statements: 54 };
    const ceiling = ordersCeiling(2, costs, crossings);
    expect(ceiling.publishToOneTimes).toBe(3);
    expect(ceiling.publishToTwoTimes).toBe(4);
    expect(ceiling.pubsubMicros).toBe(7 * P + 11 * D);
    expect(ceiling.invocationMicros).toBe(3 * I);
    expect(ceiling.meshOrdersPerSecond).toBeCloseTo(2_000_000 / (7 * P + 11 * D + 3 * I));
    expect(ceiling.withStatementsOrdersPerSecond).toBeCloseTo(2_000_000 / (7 * P + 11 * D + 3 * I + 54 * S));
  });

  it('covers one delivery per publish and two per publish at the ends of its range', () => {
    const none = { invocations: 0, statements: 0 };
    expect(ordersCeiling(1, costs, { publishes: 5, deliveries: 5, ...none }).pubsubMicros).toBe(5 * (P + D));
    expect(ordersCeiling(1, costs, { publishes: 5, deliveries: 10, ...none }).pubsubMicros).toBe(5 * (P + 2 * D));
  });

  it('refuses a fan-out the two rows cannot make up', () => {
    expect(() => ordersCeiling(2, costs, { publishes: 2, deliveries: 5, invocations: 0, statements: 0 })).toThrow(
      /p to 2p deliveries/,
    );
  });
});
