import { createLogger, createMetricsRegistry, type RunningServer, serve } from '@shop/kit';
import { createGateway, type GatewayOptions } from '../../src/gateway';

/**
 * A gateway over `options.routes`, served on a free loopback port as gateway-main serves it (upgrades included),
 * quiet in the test's output. Shut it down with `gateway.shutdown()`.
 */
export async function serveGateway(
  options: Omit<GatewayOptions, 'log' | 'metrics' | 'health'>,
): Promise<{ gateway: RunningServer; url: string }> {
  const log = createLogger({ name: 'gateway-test', level: 'fatal' });
  const health = { accepting: true };
  const { app, upgrade } = createGateway({ ...options, log, metrics: createMetricsRegistry(), health });
  const gateway = await serve(app, {
    host: '127.0.0.1',
    port: 0,
    log,
    health,
    graceMs: 1_000,
    closers: [],
    handleSignals: false,
    upgrade,
  });
  return { gateway, url: `http://127.0.0.1:${gateway.port}` };
}
