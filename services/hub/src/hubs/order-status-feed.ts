import type { OrderStatusEvent } from '@shop/contracts';
import type { HubClients } from '@shop/signalr';
import { BoundedMap } from './bounded-map';

type OrderStatus = OrderStatusEvent['status'];

/** What a customer's client receives as `OrderStatusChanged` (CONTRACT.md); `failureReason` is an extension. */
export interface OrderStatusChangedMessage {
  orderId: string;
  status: OrderStatus;
  at: string;
  failureReason?: OrderStatusEvent['failureReason'];
}

/**
 * What happened to the order, one step per orders topic. The status alone cannot say how far along an order is:
 * an approved order is `Pending` again after `OnHold`, while a late placement's `Pending` must not undo `OnHold`.
 */
export type OrderStep = 'placed' | 'held' | 'approved' | 'paid' | 'failed' | 'cancelled' | 'shipped' | 'delivered';

/**
 * How far along the order's state machine a step is (placed → held → approved → paid → shipped → delivered;
 * placed|held|approved → failed; placed|held|approved|paid → cancelled): a step ranked below the one already
 * sent is a late delivery and is not sent, nor the same step twice.
 */
const progress: Record<OrderStep, number> = {
  placed: 0,
  held: 1,
  approved: 2,
  paid: 3,
  failed: 3,
  cancelled: 4,
  shipped: 4,
  delivered: 5,
};

/** An order's status change for its customer, as the replicas share it. */
export interface CustomerOrderChange {
  customerId: string;
  step: OrderStep;
  change: OrderStatusChangedMessage;
}

/**
 * Turns the orders service's status events into `OrderStatusChanged` for the order's customer only (a user send:
 * every connection opened with that customer's token, none other).
 *
 * Each hub replica runs one and sends to its own connections: the replica Dapr hands an event to shares it, and
 * every replica applies it against its own memory of what it sent.
 */
export class OrderStatusFeed {
  private readonly sent: BoundedMap<string, OrderStep>;

  constructor(
    /** The orders hub's clients on this replica. */
    private readonly clients: HubClients,
    capacity: number,
  ) {
    this.sent = new BoundedMap(capacity);
  }

  async apply({ customerId, step, change }: CustomerOrderChange): Promise<void> {
    const previous = this.sent.get(change.orderId);
    if (previous !== undefined && (previous === step || progress[previous] > progress[step])) return;
    this.sent.set(change.orderId, step);
    await this.clients.user(customerId).send('OrderStatusChanged', change);
  }
}
