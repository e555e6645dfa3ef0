import type { IncomingMessage, RequestListener } from 'node:http';
import type { Mesh } from '@shop/kit';
import type { BackplaneTransport } from '../../src/backplane/backplane-transport';
import { type HubPlatform, startHubPlatform } from './hub-platform';

export interface ReplicaPair {
  /** Hosts the inventory service too. */
  a: HubPlatform;
  /** A hub alone; its service invocations of the inventory reach a's, as a sidecar would. */
  b: HubPlatform;
  stop(): Promise<void>;
}

/**
 * Two replicas of the hub service joined by a backplane (the transport given, or HUB_REDIS_HOST in `env`), each
 * with its own platform, port and event deliveries: what Dapr hands one of them, the other never sees directly.
 */
export async function startReplicaPair(
  options: { backplane?: () => BackplaneTransport; env?: Record<string, string> } = {},
): Promise<ReplicaPair> {
  const settings = options.backplane ? { backplane: options.backplane } : {};
  const a = await startHubPlatform(options.env, settings);
  const b = await startHubPlatform(options.env, { ...settings, inventory: false });
  b.platform.bus.register('inventory', { listener: invokingThrough(a.platform.bus.meshFor('hub'), 'inventory') });
  return {
    a,
    b,
    async stop() {
      await b.stop();
      await a.stop();
    },
  };
}

/** Serves requests by invoking `appId` through another platform's mesh: service invocation across processes. */
function invokingThrough(mesh: Mesh, appId: string): RequestListener {
  return (req, res) => {
    void (async () => {
      const body = await readJson(req);
      const answer = await mesh.invoke(appId, req.url ?? '/', {
        method: (req.method ?? 'GET') as 'GET',
        ...(body !== undefined ? { body } : {}),
      });
      res.writeHead(answer.status, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
      res.end(
        answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body),
      );
    })().catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
