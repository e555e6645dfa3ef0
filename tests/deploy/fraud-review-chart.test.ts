import { find, type Manifest, ofKind, renderChart, requiredSecrets, setArgs } from './support/manifests';

/** The review thresholds the chart gives a Deployment's app container, by variable. */
function thresholdsOf(manifests: Manifest[], deployment: string): Record<string, string> {
  const container = find(manifests, 'Deployment', deployment).spec.template.spec.containers[0] as {
    env: Array<{ name: string; value?: string }>;
  };
  return Object.fromEntries(
    container.env.filter((entry) => entry.name.startsWith('FRAUD_')).map((entry) => [entry.name, entry.value ?? '']),
  );
}

describe('the fraud review thresholds in the chart', () => {
  it('sets the contract defaults alike on the fraud and orders pods, and on no other', () => {
    const manifests = renderChart(setArgs(requiredSecrets));
    const expected = { FRAUD_REVIEW_SCORE: '70', FRAUD_REVIEW_TOTAL: '500000', FRAUD_VELOCITY_LIMIT: '5' };
    expect(thresholdsOf(manifests, 'shop-fraud')).toEqual(expected);
    expect(thresholdsOf(manifests, 'shop-orders')).toEqual(expected);
    const others = ofKind(manifests, 'Deployment')
      .map((deployment) => deployment.metadata.name)
      .filter((name) => !['shop-fraud', 'shop-orders', 'shop-gateway'].includes(name));
    expect(others.length).toBeGreaterThan(5);
    for (const name of others) expect(thresholdsOf(manifests, name)).toEqual({});
  });

  it('takes fraudReview from the values, one setting for both', () => {
    const manifests = renderChart([
      ...setArgs(requiredSecrets),
      ...[
        '--set',
        'fraudReview.score=101',
        '--set',
        'fraudReview.total=2000000',
        '--set',
        'fraudReview.velocityLimit=9',
      ],
    ]);
    const expected = { FRAUD_REVIEW_SCORE: '101', FRAUD_REVIEW_TOTAL: '2000000', FRAUD_VELOCITY_LIMIT: '9' };
    expect(thresholdsOf(manifests, 'shop-fraud')).toEqual(expected);
    expect(thresholdsOf(manifests, 'shop-orders')).toEqual(expected);
  });

  it('refuses a review score out of 0..101 at render', () => {
    expect(() => renderChart([...setArgs(requiredSecrets), '--set', 'fraudReview.score=150'])).toThrow(/fraudReview/);
  });
});
