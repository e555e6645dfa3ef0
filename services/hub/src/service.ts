import type { StockChanged } from '@shop/contracts';
import { intervalJob, type ServiceManifest, statelessIntake } from '@shop/kit';
import { HubServer, rejectUpgrade } from '@shop/signalr';
import { addClientEndpoint, clientPath, isClientPath, upgradeClient } from './azure/client-endpoint';
import { accessKeyClients } from './azure/client-tokens';
import { connectionString, redactedConnectionString } from './azure/connection-string';
import { HubDirectory } from './azure/hub-directory';
import { addAzureRestApi, restPaths } from './azure/rest-api';
import { restOpenApiPaths } from './azure/rest-openapi';
import type { BackplaneTransport } from './backplane/backplane-transport';
import { createBackplane } from './backplane/create-backplane';
import { type HubConfig, hubConfigSchema, hubEndpointOf, hubServerOptions } from './config';
import { hubOpenApi } from './hub-openapi';
import { analyticsHub } from './hubs/analytics-hub';
import { adminTokens, customerTokens, loginEnded } from './hubs/customer-tokens';
import { inventoryHub } from './hubs/inventory-hub';
import { notificationsHub } from './hubs/notifications-hub';
import { type CustomerOrderChange, OrderStatusFeed } from './hubs/order-status-feed';
import { ordersHub } from './hubs/orders-hub';
import { StockFeed } from './hubs/stock-feed';
import { hubRoutes } from './koa-hub-routes';
import { withLivePage } from './live-page/live-page-router';
import { hubMetricsFor } from './metrics/prometheus-hub-metrics';
import { hubSubscriptions } from './subscriptions/hub-subscriptions';

/** Orders whose last sent status the orders hub remembers, to keep late deliveries from going back in time. */
const orderMemory = 100_000;

/** Azure's limit on a REST request body. */
const maxRestBodyBytes = 1_048_576;

/**
 * The realtime hub: an ASP.NET Core SignalR server with the `inventory` hub (stock of the products a client
 * subscribed to), the `orders` hub (a customer's own order statuses), fed by the platform's events, and the
 * `notifications` hub (a customer's own notifications, sent by the notifications service through the REST API), the
 * `analytics` hub (admins' live figures, sent by the analytics service through the REST API); the Azure
 * SignalR Service data-plane REST API and client endpoint over the same connections; replicas joined by a
 * backplane.
 */
export const hubService: ServiceManifest<HubConfig> = createHubService();

export interface HubServiceOptions {
  /**
   * The backplane's transport instead of the configured one (HUB_REDIS_HOST or this process alone): tests join
   * several hub services in one process.
   */
  backplane?: () => BackplaneTransport;
}

export function createHubService(options: HubServiceOptions = {}): ServiceManifest<HubConfig> {
  return {
    name: 'hub',
    publicPaths: ['/hubs', clientPath, ...restPaths],
    // The REST API reads its bodies itself too: the Management SDK's PascalCase JSON, MessagePack payloads.
    streamingPaths: ['/hubs', clientPath, '/api/hubs', '/api/v1/hubs'],
    config: hubConfigSchema,
    async setup(ctx) {
      const log = ctx.log.child({ component: 'signalr' });
      const server = new HubServer({
        log,
        metrics: hubMetricsFor(ctx.metrics),
        options: hubServerOptions(ctx.config),
      });
      const backplane = await createBackplane(
        ctx.config,
        ctx.log.child({ component: 'backplane' }),
        options.backplane?.(),
      );
      await backplane.start();
      const accessKeys = [ctx.config.HUB_ACCESS_KEY as string];

      const stock = new StockFeed({
        mesh: ctx.mesh,
        log: ctx.log,
        capacity: ctx.config.HUB_STOCK_CACHE_ENTRIES,
        unknownProductTtlMs: ctx.config.HUB_UNKNOWN_PRODUCT_TTL_MS,
      });
      const inventoryLifetime = backplane.hub('inventory');
      const inventoryDefinition = inventoryHub(stock, {
        maxProductsPerConnection: ctx.config.HUB_MAX_PRODUCTS_PER_CONNECTION,
      });
      const inventory = server.mapHub('/hubs/inventory', { hub: inventoryDefinition, lifetime: inventoryLifetime });
      stock.attach(inventory.clientsOver(inventoryLifetime.local));
      backplane.feed<StockChanged>('stock', (event) => stock.changed(event));

      const ordersLifetime = backplane.hub('orders');
      const orders = server.mapHub('/hubs/orders', {
        hub: ordersHub,
        authenticate: customerTokens(ctx.verifier),
        lifetime: ordersLifetime,
      });
      const orderStatuses = new OrderStatusFeed(orders.clientsOver(ordersLifetime.local), orderMemory);
      backplane.feed<CustomerOrderChange>('orders', (change) => orderStatuses.apply(change));

      // Fed by nobody here: the notifications service sends to a customer through the REST API ("send to user").
      const notificationsLifetime = backplane.hub('notifications');
      const notifications = server.mapHub('/hubs/notifications', {
        hub: notificationsHub,
        authenticate: customerTokens(ctx.verifier),
        lifetime: notificationsLifetime,
      });

      // Fed by nobody here either: the analytics service sends its figures to every admin through the REST API.
      const analyticsLifetime = backplane.hub('analytics');
      const analytics = server.mapHub('/hubs/analytics', {
        hub: analyticsHub,
        authenticate: adminTokens(ctx.verifier),
        lifetime: analyticsLifetime,
      });

      const directory = new HubDirectory({
        server,
        backplane,
        builtIns: [
          { definition: inventoryDefinition, lifetime: inventoryLifetime },
          { definition: ordersHub, lifetime: ordersLifetime },
          { definition: notificationsHub, lifetime: notificationsLifetime },
          { definition: analyticsHub, lifetime: analyticsLifetime },
        ],
        clientAuthentication: (hub) => accessKeyClients(accessKeys, hub),
        maxServerlessHubs: ctx.config.HUB_MAX_SERVERLESS_HUBS,
      });
      const router = withLivePage(hubRoutes(server));
      const restRoutes = addAzureRestApi(router, {
        directory,
        accessKeys,
        maxBodyBytes: maxRestBodyBytes,
        maxMessageBytes: ctx.config.HUB_MAX_MESSAGE_BYTES,
      });
      addClientEndpoint(router, directory, server);

      // Customers' connections outlive the token check at connect: their logins are checked again every half
      // SESSION_CHECK_SECONDS (an answer is reused that long) and a connection whose login ended is closed, so a
      // revoked login hears nothing more within 1.5 × SESSION_CHECK_SECONDS.
      const sessionWatchMs = (ctx.verifier.sessionCheckSeconds * 1000) / 2;
      const endedLogin = loginEnded(ctx.verifier);
      const closeEndedLogins = async () => {
        for (const [hub, customerHub] of [
          ['orders', orders],
          ['notifications', notifications],
          ['analytics', analytics],
        ] as const) {
          const closed = await customerHub.closeEnded(endedLogin, { error: 'The login has ended.', concurrency: 8 });
          if (closed > 0) log.info({ hub, closed }, 'closed connections of ended logins');
        }
      };

      const endpoint = hubEndpointOf(ctx.config);
      return {
        router,
        openApi: hubOpenApi(
          [
            { path: '/hubs/inventory', summary: 'stock of subscribed products (anonymous)', authenticated: false },
            { path: '/hubs/orders', summary: "the customer's order statuses", authenticated: true },
            { path: '/hubs/notifications', summary: "the customer's notifications", authenticated: true },
            { path: '/hubs/analytics', summary: "the shop's figures, live (admin tokens only)", authenticated: true },
            {
              path: clientPath,
              summary: 'Azure SignalR client endpoint (access-key token for the hub)',
              authenticated: true,
              query: [{ name: 'hub', in: 'query', required: true, schema: { type: 'string' } }],
            },
          ],
          restOpenApiPaths(restRoutes),
        ),
        subscriptions: statelessIntake(hubSubscriptions, {
          service: ctx.name,
          log: ctx.log,
          deps: {
            shareStock: (change) => backplane.share('stock', change),
            shareOrderChange: (change) => backplane.share('orders', change),
          },
        }),
        readiness: [{ name: 'backplane', check: () => backplane.check() }],
        upgrade(req, socket, head) {
          let url: URL;
          try {
            url = new URL(req.url ?? '/', 'http://hub');
          } catch {
            rejectUpgrade(socket, 400, 'Malformed request target');
            return;
          }
          if (!isClientPath(url.pathname)) {
            server.handleUpgrade(req, socket, head);
            return;
          }
          upgradeClient(directory, server, req, socket, head, url).catch((error: unknown) => {
            log.error({ err: error }, 'client endpoint upgrade failed');
            socket.destroy();
          });
        },
        drain: () => server.drain(),
        jobs: [
          {
            start() {
              server.start();
              // CONTRACT.md, Local run defaults: the connection string of the Azure REST API, printed at start.
              const printed =
                ctx.config.NODE_ENV === 'production'
                  ? redactedConnectionString(endpoint)
                  : connectionString(endpoint, accessKeys[0] as string);
              ctx.log.info(
                { backplane: ctx.config.HUB_REDIS_HOST ? 'redis' : 'in-process', replica: backplane.replicaId },
                `Azure SignalR connection string: ${printed}`,
              );
            },
            stop: () => server.stop(),
          },
          intervalJob({ name: 'session watch', everyMs: sessionWatchMs, run: closeEndedLogins, log }),
        ],
        close: () => backplane.stop(),
      };
    },
  };
}
