import { ApiRoutes, type Mesh, type ServiceManifest, statelessIntake } from '@shop/kit';
import { productProjectionOn, type StateProductProjection } from '../../src/infrastructure/state-product-projection';
import { cartSubscriptions } from '../../src/subscriptions/cart-subscriptions';

/** What the cart invoked, and a hook run after each answer and before the cart sees it. */
export interface InvocationLog {
  calls: Array<{ appId: string; method: string; path: string }>;
  /** Runs once the callee answered, before the cart has the answer: what happens meanwhile elsewhere. */
  meanwhile?: (call: { appId: string; path: string }) => Promise<void>;
}

export interface ProjectionHost {
  /** App `cart` with the projection and its subscriptions, as the cart service wires them. */
  manifest: ServiceManifest;
  /** The cart's projection, once the host set the app up. */
  projection(): StateProductProjection;
  invocations: InvocationLog;
  /** Wraps the cart's mesh to record its invocations (pass to the topology's wrapMesh, or use on a Dapr mesh). */
  recording(mesh: Mesh): Mesh;
}

/**
 * The cart's projection hosted as app `cart` in either topology: the real projection and subscriptions on the
 * mesh the host hands it; the cart's routes are not part of it.
 */
export function projectionHost(): ProjectionHost {
  let projection: StateProductProjection | undefined;
  const invocations: InvocationLog = { calls: [] };
  const recording = (mesh: Mesh): Mesh => ({
    state: mesh.state,
    publish: (topic, event) => mesh.publish(topic, event),
    async invoke(appId, path, request) {
      invocations.calls.push({ appId, method: request?.method ?? 'GET', path });
      const answer = await mesh.invoke(appId, path, request);
      await invocations.meanwhile?.({ appId, path });
      return answer;
    },
  });
  const manifest: ServiceManifest = {
    name: 'cart',
    publicPaths: [],
    async setup(ctx) {
      projection = productProjectionOn(ctx.mesh, ctx.log);
      return {
        router: new ApiRoutes().router,
        subscriptions: statelessIntake(cartSubscriptions, { service: ctx.name, log: ctx.log, deps: { projection } }),
      };
    },
  };
  return {
    manifest,
    projection() {
      if (!projection) throw new Error('the cart host is not set up yet');
      return projection;
    },
    invocations,
    recording,
  };
}
