import { json } from '@shop/testkit/src/listen';
import { baseUrl } from './support/base-url';

describe('the platform origin', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${baseUrl()}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
  });

  it('answers /readyz once every service and its dependencies are ready', async () => {
    const res = await fetch(`${baseUrl()}/readyz`);
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe('ready');
  });

  it('serves Prometheus metrics', async () => {
    const res = await fetch(`${baseUrl()}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('http_server_request_duration_seconds');
  });

  it('answers an unknown path with a problem document', async () => {
    const res = await fetch(`${baseUrl()}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await json(res)).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('keeps the caller request id and trace', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await fetch(`${baseUrl()}/healthz`, {
      headers: { 'x-request-id': 'e2e-request-1', traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(res.headers.get('x-request-id')).toBe('e2e-request-1');
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });
});
