import { CartCheckedOut } from './cart-events';
import { ProductCreated, ProductDeleted, ProductUpdated } from './catalog-events';
import { CustomerDeleted, CustomerRegistered, CustomerUpdated } from './customer-events';
import type { EventContract } from './event-contract';
import {
  LowStock,
  StockChanged,
  StockCommitted,
  StockReleased,
  StockReservationFailed,
  StockReserved,
} from './inventory-events';
import { NotificationSent } from './notification-events';
import {
  OrderApproved,
  OrderCancelled,
  OrderDelivered,
  OrderFailed,
  OrderHeld,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
} from './order-events';
import { PaymentFailed, PaymentRefunded, PaymentSucceeded } from './payment-events';
import { type Topic, topics } from './topics';

/** Every topic's contract: a Record over Topic, so a topic without a schema does not compile. */
export const eventContracts: Record<Topic, EventContract<unknown>> = {
  [topics.productCreated]: ProductCreated,
  [topics.productUpdated]: ProductUpdated,
  [topics.productDeleted]: ProductDeleted,
  [topics.stockChanged]: StockChanged,
  [topics.stockReserved]: StockReserved,
  [topics.stockReservationFailed]: StockReservationFailed,
  [topics.stockReleased]: StockReleased,
  [topics.stockCommitted]: StockCommitted,
  [topics.lowStock]: LowStock,
  [topics.orderPlaced]: OrderPlaced,
  [topics.orderPaid]: OrderPaid,
  [topics.orderFailed]: OrderFailed,
  [topics.orderCancelled]: OrderCancelled,
  [topics.orderShipped]: OrderShipped,
  [topics.orderDelivered]: OrderDelivered,
  [topics.orderHeld]: OrderHeld,
  [topics.orderApproved]: OrderApproved,
  [topics.paymentSucceeded]: PaymentSucceeded,
  [topics.paymentFailed]: PaymentFailed,
  [topics.paymentRefunded]: PaymentRefunded,
  [topics.customerRegistered]: CustomerRegistered,
  [topics.customerUpdated]: CustomerUpdated,
  [topics.customerDeleted]: CustomerDeleted,
  [topics.cartCheckedOut]: CartCheckedOut,
  [topics.notificationSent]: NotificationSent,
};
