import type { Mesh } from '@shop/kit';
import type { CartEvents } from '../application/ports';

/**
 * Straight to the broker, without an outbox: the cart has no database to hold one. A checkout that ends before
 * its event is out keeps its lease, and the recovery that finishes it publishes the same event (same id) again.
 */
export function meshCartEvents(mesh: Mesh): CartEvents {
  return { publish: (topic, envelope) => mesh.publish(topic, envelope) };
}
