import { CoalescingSender, HubSendError, type HubSender, type Logger } from '@shop/kit';
import { Counter, type Registry } from 'prom-client';

/** The hub admins' dashboards listen on (`/hubs/analytics`) and the client method they are called with. */
export const analyticsHubName = 'analytics';
export const metricsChangedTarget = 'MetricsChanged';

/** After a send the hub could not take (away, 5xx), the figures are sent again this much later. */
const retryAfterFailureMs = 5_000;

export interface LiveMetrics {
  /** The figures changed: send them (coalesced). */
  changed(): void;
  close(): Promise<void>;
}

/**
 * Sends `MetricsChanged(summary)` to every connection of hub `analytics` after the figures change, at most once
 * per `minIntervalMs`: changes arriving meanwhile are folded into the next send, which reads the figures when it
 * runs, so the latest figures always go last. `analytics_live_sends_total{outcome}` counts the sends.
 */
export function liveMetrics(options: {
  sender: HubSender;
  summary: () => Promise<unknown>;
  minIntervalMs: number;
  log: Logger;
  metrics: Registry;
}): LiveMetrics {
  const sends = new Counter({
    name: 'analytics_live_sends_total',
    help: 'MetricsChanged sends to hub analytics, by outcome',
    labelNames: ['outcome'] as const,
    registers: [options.metrics],
  });
  let retry: NodeJS.Timeout | undefined;
  const coalescing: CoalescingSender = new CoalescingSender(
    async () => {
      const summary = await options.summary();
      await options.sender.send({ hub: analyticsHubName }, { target: metricsChangedTarget, arguments: [summary] });
      sends.inc({ outcome: 'sent' });
    },
    {
      minIntervalMs: options.minIntervalMs,
      onError(error) {
        sends.inc({ outcome: 'failed' });
        options.log.warn({ err: error }, 'the live figures could not be sent to the hub');
        // A hub away now may be back later: the dashboards should not keep stale figures until the next event.
        if (error instanceof HubSendError && error.retryable && !retry) {
          retry = setTimeout(() => {
            retry = undefined;
            coalescing.poke();
          }, retryAfterFailureMs);
          retry.unref?.();
        }
      },
    },
  );
  return {
    changed: () => coalescing.poke(),
    async close() {
      if (retry) clearTimeout(retry);
      await coalescing.close();
    },
  };
}
