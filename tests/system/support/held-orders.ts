import { defaultReviewThresholds, type EventEnvelope } from '@shop/contracts';
import type { DeliveryOutcome, EmbeddedPlatform, ServiceManifest, Subscription } from '@shop/kit';
import { json } from '@shop/testkit/src/listen';
import { services } from '../../../services/edge/src/services';
import { adminToken, bearer, postJson } from '../../e2e/support/accounts';
import { get, payment, shippingAddress } from '../../e2e/support/shop';
import { startEmbeddedPlatform } from './embedded-platform';

/**
 * The whole platform in the embedded topology (every service, its SQLite database, the in-process mesh), every
 * event delivered to every consumer twice at once, and a recorder of everything published: the held state of the
 * saga is driven through the public API as a client and an admin would.
 */
export interface HeldOrdersPlatform {
  platform: EmbeddedPlatform;
  /** The distinct events (by id) published on a topic about one order. */
  eventsAbout(orderId: string, topic: string): EventEnvelope[];
  /** Publishes an envelope again as its producer would (a relay sending it twice, under its own id or another). */
  republish(topic: string, event: EventEnvelope): Promise<void>;
  stop(): Promise<void>;
}

export async function startHeldOrdersPlatform(env: Record<string, string> = {}): Promise<HeldOrdersPlatform> {
  // No fraud service: every placement is scored by orders' fallback, the contract's rules on its own table.
  const withoutScorer = services.filter((service) => service.name !== 'fraud');
  const shop = await startEmbeddedPlatform(withoutScorer.map(deliveringTwice), {
    name: 'held-orders',
    env,
    recordPublished: true,
  });
  return {
    platform: shop.platform,
    eventsAbout: shop.eventsAbout,
    async republish(topic, event) {
      await shop.platform.bus.meshFor('orders').publish(topic, event);
      await shop.platform.bus.drain();
    },
    stop: shop.stop,
  };
}

/** Every consumer gets each event twice at once: the saga's idempotency under concurrent duplicates. */
function deliveringTwice(manifest: ServiceManifest): ServiceManifest {
  const twice = (subscription: Subscription): Subscription => ({
    topic: subscription.topic,
    async handle(event) {
      const copy = () => JSON.parse(JSON.stringify(event)) as EventEnvelope;
      const outcomes = await Promise.all(
        [copy(), copy()].map(async (delivered): Promise<DeliveryOutcome> => {
          try {
            return (await subscription.handle(delivered)) ?? 'success';
          } catch {
            return 'retry';
          }
        }),
      );
      if (outcomes.includes('retry')) return 'retry';
      return outcomes.includes('drop') ? 'drop' : 'success';
    },
  });
  return {
    ...manifest,
    async setup(context) {
      const parts = await manifest.setup(context);
      return { ...parts, subscriptions: parts.subscriptions?.map(twice) };
    },
  };
}

/** One unit of this price holds the order whatever scores it: the contract's total rule (above FRAUD_REVIEW_TOTAL). */
export const heldUnitPrice = defaultReviewThresholds.reviewTotal + 1;

export async function placeOne(token: string, productId: string, quantity = 1): Promise<string> {
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity }], shippingAddress, payment: payment() },
    bearer(token),
  );
  if (res.status !== 202) throw new Error(`placing answered ${res.status}: ${await res.text()}`);
  const order = await json(res);
  // The placement's answer is the contract's Pending view, held or not.
  expect(order.status).toBe('Pending');
  return order.id as string;
}

export async function review(orderId: string, body: unknown): Promise<Response> {
  return postJson(`/api/orders/${orderId}/review`, body, bearer(await adminToken()));
}

export async function asAdmin(orderId: string): Promise<Record<string, unknown>> {
  return json(await get(`/api/orders/${orderId}`, await adminToken()));
}

export async function paymentOf(orderId: string): Promise<Record<string, unknown> | undefined> {
  const page = await json(await get(`/api/payments?orderId=${orderId}`, await adminToken()));
  const items = page.items as Array<Record<string, unknown>>;
  if (items.length > 1) throw new Error(`order ${orderId} has ${items.length} payments`);
  return items[0];
}
