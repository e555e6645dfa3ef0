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
 * How far along the order's state machine a status is (Pending → Paid → Shipped → Delivered, Pending → Failed,
 * Pending|Paid → Cancelled): a status ranked below the one already sent is a late delivery and is not sent.
 */
const progress: Record<OrderStatus, number> = {
  Pending: 0,
  Paid: 1,
  Failed: 1,
  Cancelled: 2,
  Shipped: 2,
  Delivered: 3,
};

/** An order's status change for its customer, as the replicas share it. */
export interface CustomerOrderChange {
  customerId: string;
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
  private readonly sent: BoundedMap<string, OrderStatus>;

  constructor(
    /** The orders hub's clients on this replica. */
    private readonly clients: HubClients,
    capacity: number,
  ) {
    this.sent = new BoundedMap(capacity);
  }

  apply(change: CustomerOrderChange): Promise<void> {
    return this.changed(change.customerId, change.change);
  }

  async changed(customerId: string, message: OrderStatusChangedMessage): Promise<void> {
    const previous = this.sent.get(message.orderId);
    if (previous !== undefined && (previous === message.status || progress[previous] > progress[message.status])) {
      return;
    }
    this.sent.set(message.orderId, message.status);
    await this.clients.user(customerId).send('OrderStatusChanged', message);
  }
}
