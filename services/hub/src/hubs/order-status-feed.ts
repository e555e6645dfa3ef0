import { type OrderPlaced, type OrderStatusEvent, type Topic, topics } from '@shop/contracts';
import type { Logger, Subscription } from '@shop/kit';
import type { HubClients } from '@shop/signalr';
import Joi from 'joi';
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

const statusTopics: Topic[] = [
  topics.orderPaid,
  topics.orderFailed,
  topics.orderCancelled,
  topics.orderShipped,
  topics.orderDelivered,
];

const statusEventSchema = Joi.object<OrderStatusEvent>({
  orderId: Joi.string().guid().required(),
  customerId: Joi.string().min(1).max(200).required(),
  status: Joi.string()
    .valid(...Object.keys(progress))
    .required(),
  at: Joi.string().isoDate().required(),
  failureReason: Joi.string(),
}).unknown(true);

const orderPlacedSchema = Joi.object<OrderPlaced>({
  orderId: Joi.string().guid().required(),
  customerId: Joi.string().min(1).max(200).required(),
  placedAt: Joi.string().isoDate().required(),
}).unknown(true);

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
    private readonly log: Logger,
    capacity: number,
    /** Has every replica (this one included) apply a change; defaults to this replica alone. */
    private readonly share: (change: CustomerOrderChange) => Promise<void> = (change) => this.apply(change),
  ) {
    this.sent = new BoundedMap(capacity);
  }

  apply(change: CustomerOrderChange): Promise<void> {
    return this.changed(change.customerId, change.change);
  }

  subscriptions(): Subscription[] {
    const placed: Subscription = {
      topic: topics.orderPlaced,
      handle: async (event) => {
        const { value, error } = orderPlacedSchema.validate(event.data);
        if (error) return this.malformed(event.id, topics.orderPlaced, error);
        await this.share({
          customerId: value.customerId,
          change: { orderId: value.orderId, status: 'Pending', at: value.placedAt },
        });
        return 'success';
      },
    };
    const statusChanges = statusTopics.map(
      (topic): Subscription => ({
        topic,
        handle: async (event) => {
          const { value, error } = statusEventSchema.validate(event.data);
          if (error) return this.malformed(event.id, topic, error);
          await this.share({
            customerId: value.customerId,
            change: {
              orderId: value.orderId,
              status: value.status,
              at: value.at,
              ...(value.failureReason ? { failureReason: value.failureReason } : {}),
            },
          });
          return 'success';
        },
      }),
    );
    return [placed, ...statusChanges];
  }

  async changed(customerId: string, message: OrderStatusChangedMessage): Promise<void> {
    const previous = this.sent.get(message.orderId);
    if (previous !== undefined && (previous === message.status || progress[previous] > progress[message.status])) {
      return;
    }
    this.sent.set(message.orderId, message.status);
    await this.clients.user(customerId).send('OrderStatusChanged', message);
  }

  private malformed(eventId: string, topic: string, error: Error): 'drop' {
    this.log.error({ eventId, topic, err: error }, 'malformed order event dropped');
    return 'drop';
  }
}
