import { counterIn, scrapeTimeGauge } from '@shop/kit';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Orders, OrdersMetrics, OrdersStore } from '../application/ports';
import type { OrderStatus } from '../domain/order';
import { OrderEntity } from './entities';

/**
 * `orders_fraud_scorer_fallbacks_total{cause}`: orders scored by the contract's rules alone because the fraud scorer
 * gave no usable answer in time.
 */
export function ordersMetricsIn(registry: Registry): OrdersMetrics {
  const fallbacks = counterIn(registry, {
    name: 'orders_fraud_scorer_fallbacks_total',
    help: 'Orders scored without the fraud scorer (down, too slow, failing, or an invalid answer), by cause',
    labelNames: ['cause'] as const,
  });
  return { scorerFallback: (cause) => fallbacks.inc({ cause }) };
}

/**
 * `orders_status_changes_total{status}`: orders placed (Pending, or OnHold for review) and every later move, by the
 * status moved to, counted where the store writes it. A move whose transaction then fails to commit is still
 * counted: the move's conditional UPDATE is the last statement before the outbox row and the COMMIT, so that is rare.
 */
export function countedStatusChanges(registry: Registry): (store: OrdersStore) => OrdersStore {
  const changes = counterIn(registry, {
    name: 'orders_status_changes_total',
    help: 'Orders placed and moved, by the status they entered',
    labelNames: ['status'] as const,
  });
  const counted = (status: OrderStatus) => changes.inc({ status });
  return (store) => {
    const orders: Orders = {
      ...store.orders,
      async insert(order) {
        await store.orders.insert(order);
        counted(order.status);
      },
      async move(id, from, to, details) {
        const moved = await store.orders.move(id, from, to, details);
        if (moved) counted(to);
        return moved;
      },
    };
    return { ...store, orders };
  };
}

/**
 * `orders_pending_oldest_age_seconds`: how long the order longest in Pending has been there (0 when none is), read
 * when Prometheus scrapes. A Pending order waits for its reservation and payment, which take a moment; one older
 * than its reservation's TTL is stuck (an alert in the chart).
 */
export function pendingAgeGauge(registry: Registry, dataSource: DataSource): () => void {
  return scrapeTimeGauge(
    registry,
    {
      name: 'orders_pending_oldest_age_seconds',
      help: 'Seconds the order longest in Pending has been Pending (0 when no order is)',
    },
    async () => {
      const [oldest] = await dataSource.manager.find(OrderEntity, {
        select: { id: true, updatedAt: true },
        where: { status: 'Pending' },
        order: { updatedAt: 'ASC' },
        take: 1,
      });
      return [{ labels: {}, value: oldest ? Math.max(0, (Date.now() - oldest.updatedAt.getTime()) / 1000) : 0 }];
    },
  );
}
