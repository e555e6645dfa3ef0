/** Every pub/sub topic of the platform (CONTRACT.md, Events, plus the extensions marked below). */
export const topics = {
  productCreated: 'catalog.product-created',
  productUpdated: 'catalog.product-updated',
  productDeleted: 'catalog.product-deleted',
  stockChanged: 'inventory.stock-changed',
  stockReserved: 'inventory.stock-reserved',
  stockReservationFailed: 'inventory.stock-reservation-failed',
  /** Extension: a reservation was released (expired, order failed or cancelled). */
  stockReleased: 'inventory.stock-released',
  /** Extension: a reservation was committed (the order was paid). */
  stockCommitted: 'inventory.stock-committed',
  /** Extension: available stock crossed the low-stock threshold downwards. */
  lowStock: 'inventory.low-stock',
  orderPlaced: 'orders.order-placed',
  orderPaid: 'orders.order-paid',
  orderFailed: 'orders.order-failed',
  orderCancelled: 'orders.order-cancelled',
  orderShipped: 'orders.order-shipped',
  orderDelivered: 'orders.order-delivered',
  /** A fraud score at or above the review threshold: the order waits for an admin's review (status OnHold). */
  orderHeld: 'orders.order-held',
  /** Extension: an admin approved a held order; it is Pending again and payments captures. */
  orderApproved: 'orders.order-approved',
  paymentSucceeded: 'payments.payment-succeeded',
  paymentFailed: 'payments.payment-failed',
  paymentRefunded: 'payments.payment-refunded',
  customerRegistered: 'customers.customer-registered',
  /** Extension: a customer's profile changed (name, locale, phone). */
  customerUpdated: 'customers.customer-updated',
  /** Extension: an account was deleted and its personal data anonymised. */
  customerDeleted: 'customers.customer-deleted',
  cartCheckedOut: 'carts.cart-checked-out',
  notificationSent: 'notifications.notification-sent',
} as const;

export type Topic = (typeof topics)[keyof typeof topics];
