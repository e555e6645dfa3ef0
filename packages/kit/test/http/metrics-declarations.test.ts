import { Registry } from 'prom-client';
import { counterIn, histogramIn, scrapeTimeGauge } from '../../src/http/metrics';

describe('declaring metrics', () => {
  it('answers the registered metric when a second service of the process declares the same name', async () => {
    const registry = new Registry();
    const first = counterIn(registry, { name: 'widgets_total', help: 'Widgets', labelNames: ['kind'] as const });
    const second = counterIn(registry, { name: 'widgets_total', help: 'Widgets', labelNames: ['kind'] as const });
    first.inc({ kind: 'a' });
    second.inc({ kind: 'a' });
    expect(second).toBe(first);
    expect(await registry.metrics()).toContain('widgets_total{kind="a"} 2');
    const histogram = histogramIn(registry, { name: 'widget_seconds', help: 'Widget time', buckets: [1] });
    expect(histogramIn(registry, { name: 'widget_seconds', help: 'Widget time', buckets: [1] })).toBe(histogram);
  });

  it('reads a scrape-time gauge from every source at each scrape, skipping a failing one and a removed one', async () => {
    const registry = new Registry();
    let backlog = 3;
    const declaration = { name: 'widget_backlog', help: 'Widgets waiting', labelNames: ['service'] as const };
    scrapeTimeGauge(registry, declaration, () => [{ labels: { service: 'a' }, value: backlog }]);
    const removeB = scrapeTimeGauge(registry, declaration, async () => [{ labels: { service: 'b' }, value: 7 }]);
    scrapeTimeGauge(registry, declaration, async () => {
      throw new Error('database down');
    });
    let text = await registry.metrics();
    expect(text).toContain('widget_backlog{service="a"} 3');
    expect(text).toContain('widget_backlog{service="b"} 7');

    backlog = 0;
    removeB();
    text = await registry.metrics();
    expect(text).toContain('widget_backlog{service="a"} 0');
    expect(text).not.toContain('service="b"');
  });
});
