import { Counter, type Registry } from 'prom-client';
import type { CartMetrics, CartOperation, CheckoutOutcome } from '../application/ports';

/**
 * `cart_writes_total{operation}`, `cart_conflicts_retried_total` and `cart_checkouts_total{outcome}` in the service's
 * registry. The embedded
 * topology hosts every service in one process and one registry, so a counter already registered is reused.
 */
export function cartMetricsIn(registry: Registry): CartMetrics {
  const writes = counterIn(registry, 'cart_writes_total', 'Cart entries written, by operation', ['operation']);
  const conflicts = counterIn(
    registry,
    'cart_conflicts_retried_total',
    'Conditional cart saves that lost to a concurrent writer and were tried again from the read',
    [],
  );
  const checkouts = counterIn(registry, 'cart_checkouts_total', 'Cart checkouts answered, by outcome', ['outcome']);
  return {
    written: (operation: CartOperation) => writes.inc({ operation }),
    conflictRetried: () => conflicts.inc(),
    checkedOut: (outcome: CheckoutOutcome) => checkouts.inc({ outcome }),
  };
}

function counterIn<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}
