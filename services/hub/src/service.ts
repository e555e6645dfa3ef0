import type { ServiceManifest } from '@shop/kit';
import { type HubConfig, hubConfigSchema, hubServerOptions } from './config';
import { hubOpenApi } from './hub-openapi';
import { inventoryHub } from './hubs/inventory-hub';
import { OrderStatusFeed } from './hubs/order-status-feed';
import { customerTokens, ordersHub } from './hubs/orders-hub';
import { StockFeed } from './hubs/stock-feed';
import { HubServer } from './signalr';

/** Orders whose last sent status the orders hub remembers, to keep late deliveries from going back in time. */
const orderMemory = 100_000;

/**
 * The realtime hub: an ASP.NET Core SignalR server with the `inventory` hub (stock of the products a client
 * subscribed to) and the `orders` hub (a customer's own order statuses), fed by the platform's events.
 */
export const hubService: ServiceManifest<HubConfig> = {
  name: 'hub',
  publicPaths: ['/hubs'],
  streamingPaths: ['/hubs'],
  config: hubConfigSchema,
  async setup(ctx) {
    const log = ctx.log.child({ component: 'signalr' });
    const server = new HubServer({ log, metrics: ctx.metrics, options: hubServerOptions(ctx.config) });

    const stock = new StockFeed({ mesh: ctx.mesh, log: ctx.log, capacity: ctx.config.HUB_STOCK_CACHE_ENTRIES });
    const inventory = server.mapHub('/hubs/inventory', { hub: inventoryHub(stock) });
    stock.attach(inventory.clients);

    const orders = server.mapHub('/hubs/orders', { hub: ordersHub, authenticate: customerTokens(ctx.verifier) });
    const orderStatuses = new OrderStatusFeed(orders.clients, ctx.log, orderMemory);

    return {
      router: server.router(),
      openApi: hubOpenApi([
        { path: '/hubs/inventory', summary: 'stock of subscribed products (anonymous)', authenticated: false },
        { path: '/hubs/orders', summary: "the customer's order statuses", authenticated: true },
      ]),
      subscriptions: [stock.subscription(), ...orderStatuses.subscriptions()],
      upgrade: (req, socket, head) => server.handleUpgrade(req, socket, head),
      drain: () => server.drain(),
      async start() {
        server.start();
      },
      async stop() {
        await server.stop();
      },
    };
  },
};
