// The live feed: hub `analytics` sends `MetricsChanged(summary)` after each change, through the stock SignalR client.
import { type HubConnection, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import type { Summary } from './api';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'disconnected';

export interface LiveFeed {
  stop(): Promise<void>;
}

/**
 * Follows the figures: `onSummary` for each `MetricsChanged`; `onReconnected` after the connection came back, since
 * whatever changed while it was away was sent to no one (the page reads the figures again then).
 */
export async function followMetrics(
  accessToken: () => string,
  onSummary: (summary: Summary) => void,
  onState: (state: LiveState) => void,
  onReconnected: () => void,
): Promise<LiveFeed> {
  const connection: HubConnection = new HubConnectionBuilder()
    // Asked again on every (re)connection, so a renewed token is the one sent.
    .withUrl('/hubs/analytics', { accessTokenFactory: accessToken })
    .withAutomaticReconnect()
    .configureLogging(LogLevel.None)
    .build();
  connection.on('MetricsChanged', (summary: Summary) => onSummary(summary));
  connection.onreconnecting(() => onState('reconnecting'));
  connection.onreconnected(() => {
    onState('live');
    onReconnected();
  });
  connection.onclose(() => onState('disconnected'));
  onState('connecting');
  await connection.start();
  onState('live');
  return { stop: () => connection.stop() };
}
