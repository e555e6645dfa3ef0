// Live updates through the stock `@microsoft/signalr` client: stock on /hubs/inventory (anyone), and for a signed-in
// customer order statuses on /hubs/orders and notifications on /hubs/notifications.
import { type HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import type { AppNotification, OrderStatus, StockLevels } from './api';

export interface OrderStatusChange {
  orderId: string;
  status: OrderStatus;
  at: string;
  failureReason?: string;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

function connect(path: string, accessToken?: () => string | undefined): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(path, accessToken ? { accessTokenFactory: () => accessToken() ?? '' } : {})
    .withAutomaticReconnect()
    .configureLogging(LogLevel.None)
    .build();
}

/**
 * The stock of the products on screen. One connection for the page's life; the hub answers each subscription with
 * the current stock, so subscribing again after a reconnect repairs whatever changed meanwhile.
 */
export class StockFeed {
  private connection: HubConnection | undefined;
  private started: Promise<void> | undefined;
  private readonly watchers = new Map<string, Set<(levels: StockLevels) => void>>();

  /** Calls `onLevels` with every change of the product's stock until the returned function is called. */
  watch(productId: string, onLevels: (levels: StockLevels) => void, onError: (message: string) => void): () => void {
    const key = productId.toLowerCase();
    let watchers = this.watchers.get(key);
    const first = !watchers;
    if (!watchers) {
      watchers = new Set();
      this.watchers.set(key, watchers);
    }
    watchers.add(onLevels);
    if (first) {
      this.start()
        .then(() => this.connection?.invoke('SubscribeProduct', productId))
        .catch((error: Error) => onError(`Live stock is unavailable: ${reasonOf(error)}`));
    }
    return () => {
      watchers.delete(onLevels);
      if (watchers.size > 0) return;
      this.watchers.delete(key);
      if (this.connection?.state === HubConnectionState.Connected) {
        this.connection.invoke('UnsubscribeProduct', productId).catch(() => undefined);
      }
    };
  }

  private start(): Promise<void> {
    if (this.started) return this.started;
    const connection = connect('/hubs/inventory');
    connection.on('StockChanged', (levels: StockLevels) => {
      for (const watcher of this.watchers.get(String(levels.productId).toLowerCase()) ?? []) watcher(levels);
    });
    connection.onreconnected(() => {
      for (const productId of this.watchers.keys()) connection.invoke('SubscribeProduct', productId).catch(() => {});
    });
    this.connection = connection;
    this.started = connection.start().catch((error: Error) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }
}

export interface CustomerFeedHandlers {
  onOrderStatus(change: OrderStatusChange): void;
  onNotification(notification: AppNotification): void;
  onState(state: LiveState): void;
  /** After a connection came back: what changed while it was away was sent to no one, so read it again. */
  onReconnected(): void;
}

/** The signed-in customer's two live connections, started at sign-in and stopped at sign-out. */
export class CustomerFeed {
  private readonly orders: HubConnection;
  private readonly notifications: HubConnection;

  constructor(accessToken: () => string | undefined, handlers: CustomerFeedHandlers) {
    this.orders = connect('/hubs/orders', accessToken);
    this.notifications = connect('/hubs/notifications', accessToken);
    this.orders.on('OrderStatusChanged', (change: OrderStatusChange) => handlers.onOrderStatus(change));
    this.notifications.on('Notification', (notification: AppNotification) => handlers.onNotification(notification));
    for (const connection of [this.orders, this.notifications]) {
      connection.onreconnecting(() => handlers.onState('reconnecting'));
      connection.onreconnected(() => {
        handlers.onState('live');
        handlers.onReconnected();
      });
      connection.onclose(() => handlers.onState('offline'));
    }
  }

  async start(onState: (state: LiveState) => void): Promise<void> {
    onState('connecting');
    await Promise.all([this.orders.start(), this.notifications.start()]);
    onState('live');
  }

  async stop(): Promise<void> {
    await Promise.all([this.orders.stop(), this.notifications.stop()]);
  }
}

/** The hub's refusals read "An unexpected error occurred invoking ... HubException: <reason>": the reason. */
export function reasonOf(error: Error): string {
  return String(error.message ?? error).replace(/^.*HubException: /, '');
}
