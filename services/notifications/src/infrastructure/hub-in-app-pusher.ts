import { type HubPushConfig, type HubSender, hubSenderFrom } from '@shop/kit';
import type { InAppPusher } from '../application/ports';

/**
 * In-app notifications reach the customer through the hub's "send to user" on hub `notifications` (the hub's
 * `/hubs/notifications` connections are the customer's, by the access token's `sub`), target `Notification`
 * (CONTRACT.md), through the kit's hub sender of the topology (its REST API, or Dapr's `bindings.azure.signalr`).
 */
export const notificationsHubName = 'notifications';
export const notificationTarget = 'Notification';

type Notification = Parameters<InAppPusher['push']>[1];

export class HubInAppPusher implements InAppPusher {
  constructor(readonly sender: HubSender) {}

  push(customerId: string, notification: Notification): Promise<void> {
    return this.sender.send(
      { hub: notificationsHubName, user: customerId },
      { target: notificationTarget, arguments: [notification] },
    );
  }
}

/** The pusher of the topology (kit `hubSenderFrom`); null when no hub is reachable (notifications are then only listed). */
export function hubInAppPusherFrom(
  config: Partial<HubPushConfig>,
  context: Parameters<typeof hubSenderFrom>[1],
): InAppPusher | null {
  const sender = hubSenderFrom(config, context);
  return sender ? new HubInAppPusher(sender) : null;
}
