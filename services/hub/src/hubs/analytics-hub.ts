import type { HubDefinition } from '@shop/signalr';

/**
 * `/hubs/analytics`: server to client only, for admins (`adminTokens`). The analytics service sends
 * `MetricsChanged(summary)` to every connection through the Azure SignalR REST API's "send to hub" after its
 * figures change (at most a few times a second, the latest figures last). Nothing here is callable.
 */
export const analyticsHub: HubDefinition = { name: 'analytics', methods: {} };
