import type { HubDefinition } from '@shop/signalr';

/**
 * `/hubs/notifications`: server to client only. Clients connect with the customer's access token
 * (`customerTokens`); the notifications service sends `Notification({id, type, title, body, orderId?, createdAt})`
 * to the customer (the token's `sub`) through the Azure SignalR REST API's "send to user", so only that customer's
 * connections hear it. Nothing here is callable.
 */
export const notificationsHub: HubDefinition = { name: 'notifications', methods: {} };
