import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appIds, deadLetterTopicOf, deliveryBatchWindowsMs, eventFlows, invocations, topics } from '@shop/contracts';
import { parse } from 'yaml';
import { accessControlFor, appTrustDomain, pubsubScopeMetadata, selfHostedNamespace } from '../../src/mesh/dapr-policy';

const pubsubYaml = parse(readFileSync(join(__dirname, '../../../../components/pubsub.yaml'), 'utf8')) as {
  spec: { metadata: Array<{ name: string; value?: string }> };
  scopes: string[];
};
const metadataValue = (name: string) => pubsubYaml.spec.metadata.find((entry) => entry.name === name)?.value;

/** `a=t1,t2;b=t3` as dapr pkg/scopes reads it. */
function scopesOf(value: string | undefined): Map<string, string[]> {
  return new Map(
    (value ?? '').split(';').map((entry) => {
      const [app, topics] = entry.split('=');
      return [app as string, (topics ?? '').split(',').filter(Boolean)];
    }),
  );
}

describe('the pub/sub scopes', () => {
  it('are in components/pubsub.yaml exactly as the mesh policy renders them', () => {
    for (const { name, value } of pubsubScopeMetadata()) expect(metadataValue(name)).toBe(value);
  });

  it('load the component for the platform apps only', () => {
    expect([...pubsubYaml.scopes].sort()).toEqual([...appIds].sort());
  });

  it('list every app, so an app with no events of its own still publishes nothing but its dead letters', () => {
    const publishing = scopesOf(metadataValue('publishingScopes'));
    expect([...publishing.keys()].sort()).toEqual([...appIds].sort());
    expect(publishing.get('hub')).toEqual([deadLetterTopicOf('hub')]);
    for (const [topic, flow] of Object.entries(eventFlows)) {
      const publishers = [...publishing].filter(([, topics]) => topics.includes(topic)).map(([app]) => app);
      expect(publishers).toEqual([flow.publisher]);
    }
  });

  it('let each app subscribe to the topics it consumes and its own dead letters, and nothing else', () => {
    const subscribing = scopesOf(metadataValue('subscriptionScopes'));
    expect([...subscribing.keys()].sort()).toEqual([...appIds].sort());
    expect(subscribing.get('payments')).toEqual(
      expect.arrayContaining(['inventory.stock-reserved', 'orders.order-failed', deadLetterTopicOf('payments')]),
    );
    // Placement opens the payment: the saga's order-placed is inventory's alone.
    expect(subscribing.get('payments')).not.toContain('orders.order-placed');
    expect(subscribing.get('hub')).not.toContain('payments.payment-succeeded');
    expect(subscribing.get('orders')).not.toContain(deadLetterTopicOf('payments'));
  });
});

describe('the access control list of a callee', () => {
  it('denies by default and admits each caller only to the invocations of the table, by verb', () => {
    expect(accessControlFor('payments')).toEqual({
      defaultAction: 'deny',
      trustDomain: appTrustDomain,
      policies: [
        {
          appId: 'orders',
          defaultAction: 'deny',
          trustDomain: appTrustDomain,
          namespace: selfHostedNamespace,
          operations: [
            { name: '/internal/payment-methods', httpVerb: ['POST'], action: 'allow' },
            { name: '/internal/payments', httpVerb: ['POST'], action: 'allow' },
          ],
        },
      ],
    });
  });

  it('names no caller for an app nobody invokes, so every invocation of it is refused', () => {
    expect(accessControlFor('hub').policies).toEqual([]);
    expect(accessControlFor('cart').policies).toEqual([]);
  });

  it('covers every invocation of the table once, in the namespace it is given', () => {
    const admitted = appIds.flatMap((callee) =>
      accessControlFor(callee, { namespace: 'shop' }).policies.flatMap((policy) => {
        expect(policy.namespace).toBe('shop');
        return policy.operations.flatMap((operation) =>
          operation.httpVerb.map((method) => `${policy.appId}→${callee} ${method} ${operation.name}`),
        );
      }),
    );
    expect(admitted.sort()).toEqual(invocations.map((i) => `${i.caller}→${i.callee} ${i.method} ${i.path}`).sort());
  });
});

describe('delivery batches', () => {
  it('are for observers only: every step of the order saga gets each event alone', () => {
    // placed → inventory reserves, reserved → payments charges, succeeded or failed → orders settles.
    const steps: Array<[keyof typeof deliveryBatchWindowsMs, string]> = [
      ['inventory', topics.orderPlaced],
      ['payments', topics.stockReserved],
      ['orders', topics.paymentSucceeded],
      ['orders', topics.paymentFailed],
    ];
    for (const [app, topic] of steps) {
      expect(eventFlows[topic as keyof typeof eventFlows].subscribers).toContain(app);
      expect(deliveryBatchWindowsMs[app]).toBeUndefined();
    }
  });

  it('wait at most 100 ms, and the hub’s live pushes at most 10 ms', () => {
    for (const windowMs of Object.values(deliveryBatchWindowsMs)) expect(windowMs).toBeLessThanOrEqual(100);
    expect(deliveryBatchWindowsMs.hub).toBeLessThanOrEqual(10);
  });
});
