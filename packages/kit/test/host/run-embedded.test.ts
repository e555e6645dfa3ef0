import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from '@shop/testkit/src/listen';
import { type EmbeddedPlatform, runEmbedded } from '../../src/host/run-embedded';
import { createLogger } from '../../src/log/logger';
import { audit, greeter } from './sample-services';

let platform: EmbeddedPlatform;

beforeAll(async () => {
  platform = await runEmbedded([greeter, audit], {
    env: { PORT: '0', SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'embedded-')), LOG_LEVEL: 'fatal' },
    log: createLogger({ name: 'test', level: 'fatal' }),
  });
});
afterAll(() => platform.shutdown());

const greet = (name: unknown) =>
  fetch(`${platform.url}/api/greetings`, {
    method: 'POST',
    body: JSON.stringify({ name }),
    headers: { 'content-type': 'application/json' },
  });

describe('the embedded topology', () => {
  it('serves every service behind one port, invoking one from another', async () => {
    const first = await greet('ada');
    expect(first.status).toBe(201);
    expect(await json(first)).toEqual({ text: 'Hello, ada', seen: 1 });
    expect(await json(await greet('ada'))).toEqual({ text: 'Hello, ada', seen: 2 });
  });

  it('delivers published events to the subscribing service', async () => {
    await greet('grace');
    await platform.bus.drain();
    expect(await json(await fetch(`${platform.url}/api/audit/grace`))).toEqual({ events: 1 });
  });

  it('keeps internal routes off the public origin, as the gateway does', async () => {
    const res = await fetch(`${platform.url}/internal/audit/ada`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('validates requests with the schemas it documents', async () => {
    const res = await greet('');
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].path).toBe('body.name');
  });

  it('publishes no /internal path in any OpenAPI document', async () => {
    const doc = await json(await fetch(`${platform.url}/openapi/audit.json`));
    expect(Object.keys(doc.paths)).toEqual(['/api/audit/{name}']);
  });

  it('serves each service OpenAPI document and Swagger UI', async () => {
    const doc = await json(await fetch(`${platform.url}/openapi/greeter.json`));
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.paths['/api/greetings'].post.requestBody.content['application/json'].schema.properties.name).toEqual(
      expect.objectContaining({ type: 'string', minLength: 1, maxLength: 40 }),
    );
    expect(doc.paths['/api/greetings/me'].get.security).toEqual([{ bearer: [] }]);
    const page = await fetch(`${platform.url}/docs`);
    expect(await page.text()).toContain('/openapi/greeter.json');
    expect((await fetch(`${platform.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('names each service dependency in /readyz', async () => {
    expect(await json(await fetch(`${platform.url}/readyz`))).toEqual({
      status: 'ready',
      checks: { 'audit.state': 'ok' },
    });
  });

  it('refuses a bad token on a service route with 401', async () => {
    const res = await fetch(`${platform.url}/api/greetings/me`, { headers: { authorization: 'Bearer x.y.z' } });
    expect(res.status).toBe(401);
  });
});
