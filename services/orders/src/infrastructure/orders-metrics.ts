import { Counter, type Registry } from 'prom-client';
import type { OrdersMetrics } from '../application/ports';

const fallbacksName = 'orders_fraud_scorer_fallbacks_total';

/**
 * `orders_fraud_scorer_fallbacks_total{cause}`: orders scored by the contract's rules alone because the fraud scorer
 * gave no usable answer in time. The embedded topology shares one registry, so a registered counter is reused.
 */
export function ordersMetricsIn(registry: Registry): OrdersMetrics {
  const fallbacks =
    (registry.getSingleMetric(fallbacksName) as Counter<'cause'> | undefined) ??
    new Counter({
      name: fallbacksName,
      help: 'Orders scored without the fraud scorer (down, too slow, failing, or an invalid answer), by cause',
      labelNames: ['cause'],
      registers: [registry],
    });
  return { scorerFallback: (cause) => fallbacks.inc({ cause }) };
}
