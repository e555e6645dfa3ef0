// The recommendations' public paths lie under other services' (catalog's /api/products, identity's
// /api/customers): the gateway must send exactly those sub-paths to recommendations and nothing else, judged on the
// raw request target (fetch and URL would normalise what an attacker sends).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ownsPath, type RunningServer } from '@shop/kit';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { routeFor } from '../src/gateway';
import { gatewayRoutes } from '../src/gateway-main';
import { services } from '../src/services';
import { serveGateway } from './support/serve-gateway';

/** A stand-in for every service: each answers with its name and records the targets that reached it. */
async function standIns(names: string[]) {
  const reached: Array<{ service: string; target: string }> = [];
  const servers = await Promise.all(
    names.map(async (service) => {
      const server = createServer((req, res) => {
        if (req.url !== '/readyz') reached.push({ service, target: req.url ?? '' });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ service }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { service, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }),
  );
  return { reached, servers };
}

describe("the gateway's routing of sub-paths of another service's path", () => {
  let gateway: RunningServer;
  let url: string;
  let stands: Awaited<ReturnType<typeof standIns>>;

  beforeAll(async () => {
    stands = await standIns(services.map((manifest) => manifest.name));
    const upstreams = Object.fromEntries(stands.servers.map(({ service, url }) => [service, url]));
    ({ gateway, url } = await serveGateway({
      routes: gatewayRoutes(services, upstreams),
    }));
  });
  afterAll(async () => {
    await gateway.shutdown();
    for (const { server } of stands.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  beforeEach(() => {
    stands.reached.length = 0;
  });

  it.each([
    ['/api/products/p1/recommendations', 'recommendations'],
    ['/api/products/p1/recommendations?limit=2', 'recommendations'],
    ['/api/products/p1/recommendations/more', 'recommendations'],
    ['/api/customers/me/recommendations', 'recommendations'],
    ['/api/products/p1', 'catalog'],
    ['/api/products', 'catalog'],
    ['/api/products/p1/recommendationsX', 'catalog'],
    ['/api/products/p1/x/recommendations', 'catalog'],
    ['/api/products/recommendations', 'catalog'],
    ['/api/customers/me', 'identity'],
    ['/api/customers/someone/recommendations', 'identity'],
  ])('sends %s to %s, unchanged', async (target, service) => {
    const answer = await rawRequest(url, { target });
    expect([target, answer.status, JSON.parse(answer.body).service]).toEqual([target, 200, service]);
    expect(stands.reached).toEqual([{ service, target }]);
  });

  it.each([
    '/api/products/p1/recommendations/..',
    '/api/products/p1/recommendations/../../orders',
    '/api/products/p1/recommendations/%2e%2e',
    '/api/products/x/..%2f..%2fp1/recommendations',
    '/api/products/p1%2frecommendations',
    '/api/products/../customers/me/recommendations',
    '/api/products//recommendations',
  ])('refuses %s with 400 and forwards it to no service', async (target) => {
    const answer = await rawRequest(url, { target });
    expect([target, answer.status]).toEqual([target, 400]);
    expect(stands.reached).toEqual([]);
  });

  it('matches a `*` segment against exactly one non-empty segment, the longer prefix winning', () => {
    expect(ownsPath('/api/products/*/recommendations', '/api/products/1/recommendations')).toBe(true);
    expect(ownsPath('/api/products/*/recommendations', '/api/products/1/recommendations/x')).toBe(true);
    expect(ownsPath('/api/products/*/recommendations', '/api/products/1/recommendationsx')).toBe(false);
    expect(ownsPath('/api/products/*/recommendations', '/api/products//recommendations')).toBe(false);
    expect(ownsPath('/api/products/*/recommendations', '/api/products/1')).toBe(false);
    const routes = [
      { service: 'catalog', target: 'http://a', prefixes: ['/api/products'] },
      { service: 'recommendations', target: 'http://b', prefixes: ['/api/products/*/recommendations'] },
    ];
    expect(routeFor(routes, '/api/products/1/recommendations')?.service).toBe('recommendations');
    expect(routeFor(routes, '/api/products/1/reviews')?.service).toBe('catalog');
  });
});
