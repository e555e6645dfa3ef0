import { randomUUID } from 'node:crypto';
import type { EmbeddedPlatform, ServiceManifest, StateStore } from '@shop/kit';
import { startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { catalogService } from '../../../catalog/src/service';
import { inventoryService } from '../../../inventory/src/service';
import type { StateProductProjection } from '../../src/infrastructure/state-product-projection';
import { type InvocationLog, projectionHost } from './projection-host';

export interface EmbeddedProjection {
  platform: EmbeddedPlatform;
  projection: StateProductProjection;
  /** The cart's own state store (its `product:` and `stock:` entries). */
  state: StateStore;
  invocations: InvocationLog;
  /** Calls the platform as an admin. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** Publishes an event as its owner would, and waits until every delivery settled. */
  deliver(topic: string, data: unknown, id?: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The cart's projection in the embedded topology, beside the real catalog and inventory services when `owners`
 * (each with its SQLite database, the relay publishing their events on the in-process bus), or alone.
 */
export async function startEmbeddedProjection(options: { owners: boolean }): Promise<EmbeddedProjection> {
  const host = projectionHost();
  const owners = options.owners ? [catalogService as ServiceManifest, inventoryService as ServiceManifest] : [];
  const { platform, key, stop } = await startWithFixtureIdentity([...owners, host.manifest], {
    name: 'cart-projection',
    wrapMesh: (service, mesh) => (service === 'cart' ? host.recording(mesh) : mesh),
  });
  const adminToken = signToken(key, { roles: ['admin'] }, { subject: randomUUID() });
  return {
    platform,
    projection: host.projection(),
    state: platform.bus.meshFor('cart').state,
    invocations: host.invocations,
    admin: (method, path, body) =>
      fetch(`${platform.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async deliver(topic, data, id = randomUUID()) {
      await platform.bus
        .meshFor('elsewhere')
        .publish(topic, { id, type: topic, occurredAt: new Date().toISOString(), data });
      await platform.bus.drain();
    },
    stop,
  };
}
