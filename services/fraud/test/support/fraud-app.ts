import { randomBytes, randomUUID } from 'node:crypto';
import type { EventEnvelope, Topic } from '@shop/contracts';
import { daprApiTokenHeader, runService } from '@shop/kit';
import { type RawAnswer, rawRequest } from '@shop/testkit/src/raw-http';
import { fraudService } from '../../src/service';

export interface FraudApp {
  url: string;
  appApiToken: string;
  /** POST /internal/assessments as the sidecar delivers orders' invocation (with the app token). */
  assess(body: unknown): Promise<{ status: number; body: unknown }>;
  /** An event as daprd delivers it (a CloudEvent on /dapr/events/<topic>); answers daprd's status. */
  deliver<T>(topic: Topic, data: T, id?: string): Promise<string>;
  raw(request: Parameters<typeof rawRequest>[1]): Promise<RawAnswer>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The fraud service as it runs beside its daprd (runService: the app token on /internal and /dapr, the database
 * from DATABASE_URL), called the way its sidecar calls it. No daprd: the test plays it.
 */
export async function startFraudApp(databaseUrl: string, env: Record<string, string> = {}): Promise<FraudApp> {
  const appApiToken = randomBytes(24).toString('hex');
  const server = await runService(fraudService, {
    handleSignals: false,
    env: {
      APP_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'fatal',
      DATABASE_URL: databaseUrl,
      APP_API_TOKEN: appApiToken,
      DAPR_API_TOKEN: randomBytes(24).toString('hex'),
      // Nothing here verifies a user's token: the service has no route that takes one.
      JWKS_URL: 'http://127.0.0.1:9/jwks',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    appApiToken,
    async assess(body) {
      const res = await fetch(`${url}/internal/assessments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [daprApiTokenHeader]: appApiToken },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    async deliver(topic, data, id = randomUUID()) {
      const envelope: EventEnvelope<typeof data> = { id, type: topic, occurredAt: new Date().toISOString(), data };
      const res = await fetch(`${url}/dapr/events/${topic}`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', [daprApiTokenHeader]: appApiToken },
        body: JSON.stringify({ specversion: '1.0', id, source: 'test', type: 'com.dapr.event.sent', data: envelope }),
      });
      return ((await res.json()) as { status: string }).status;
    },
    raw: (request) => rawRequest(url, request),
    async metrics() {
      return (await fetch(`${url}/metrics`)).text();
    },
    stop: () => server.shutdown(),
  };
}
