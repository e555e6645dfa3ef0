import { Registry } from 'prom-client';
import { requestDurationsIn } from '../../src/http/request-durations';

describe('request durations', () => {
  it('exposes cumulative buckets, +Inf, sum and count per series, with the registry default labels', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ pod: 'p1' });
    const durations = requestDurationsIn(registry);
    expect(requestDurationsIn(registry)).toBe(durations);
    durations.observe('catalog', 'GET', '/api/products/:id', 200, 0.0004);
    durations.observe('catalog', 'GET', '/api/products/:id', 200, 0.001);
    durations.observe('catalog', 'GET', '/api/products/:id', 200, 0.003);
    durations.observe('catalog', 'GET', '/api/products/:id', 200, 9);
    durations.observe('catalog', 'PUT', '/api/products/:id', 412, 0.02);
    const text = await registry.metrics();
    const labels = 'service="catalog",method="GET",route="/api/products/:id",status="200"';
    expect(text).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(text).toContain(`http_server_request_duration_seconds_bucket{le="0.001",${labels},pod="p1"} 2`);
    expect(text).toContain(`http_server_request_duration_seconds_bucket{le="0.0025",${labels},pod="p1"} 2`);
    expect(text).toContain(`http_server_request_duration_seconds_bucket{le="0.005",${labels},pod="p1"} 3`);
    expect(text).toContain(`http_server_request_duration_seconds_bucket{le="2.5",${labels},pod="p1"} 3`);
    expect(text).toContain(`http_server_request_duration_seconds_bucket{le="+Inf",${labels},pod="p1"} 4`);
    expect(text).toContain(`http_server_request_duration_seconds_sum{${labels},pod="p1"} 9.0044`);
    expect(text).toContain(`http_server_request_duration_seconds_count{${labels},pod="p1"} 4`);
    expect(text).toMatch(
      /_count\{service="catalog",method="PUT",route="\/api\/products\/:id",status="412",pod="p1"\} 1/,
    );
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('_count{');
  });
});
