import type { HubDefinition } from '@shop/signalr';

/**
 * `/hubs/orders`: server to client only. Clients connect with the customer's access token (`customerTokens`) and
 * receive `OrderStatusChanged` for that customer's orders; nothing here is callable.
 */
export const ordersHub: HubDefinition = { name: 'orders', methods: {} };
