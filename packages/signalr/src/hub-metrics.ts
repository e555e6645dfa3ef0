import type { SendScope } from './hub-clients';

export type TransportKind = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';

export const transportKinds: readonly TransportKind[] = ['WebSockets', 'ServerSentEvents', 'LongPolling'];

/**
 * Plain counters one hub updates on its hot paths (a field increment per message); a metrics system reads them
 * when it collects, so fan-out to thousands of connections costs no metrics call per delivery.
 */
export class HubStats {
  messagesReceived = 0;
  messagesSent = 0;
  readonly connections: Record<TransportKind, number> = { WebSockets: 0, ServerSentEvents: 0, LongPolling: 0 };

  constructor(readonly hub: string) {}
}

/**
 * Where a hub server reports (a Prometheus registry, OpenTelemetry meters, anything): each endpoint's counters,
 * to be read when the metrics are collected, and the duration of every server send.
 */
export interface HubMetrics {
  track(stats: HubStats): void;
  untrack(stats: HubStats): void;
  /** A server send reached every addressed connection of this process in `seconds`. */
  observeSend(hub: string, scope: SendScope, seconds: number): void;
}
