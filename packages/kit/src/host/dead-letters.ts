import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log/logger';
import { deadLetterTopicFor } from '../mesh/dapr-app-routes';
import type { Subscription } from '../mesh/port';

/**
 * A service that declares no dead-letter handler still gets one: every poison message is logged in full
 * (an operator can replay it) and counted, so a failing consumer shows up on dashboards, not nowhere.
 */
export function withDeadLetterHandler(
  appId: string,
  subscriptions: Subscription[],
  log: Logger,
  metrics: Registry,
): Subscription[] {
  const topic = deadLetterTopicFor(appId);
  if (subscriptions.some((s) => s.topic === topic)) return subscriptions;
  const counter =
    (metrics.getSingleMetric('dead_letters_total') as Counter<string> | undefined) ??
    new Counter({
      name: 'dead_letters_total',
      help: 'Events that exhausted their retries and were dead-lettered',
      labelNames: ['service', 'type'],
      registers: [metrics],
    });
  return [
    ...subscriptions,
    {
      topic,
      async handle(event, delivery) {
        counter.inc({ service: appId, type: event.type });
        (delivery?.log ?? log).error({ deadLetter: event }, 'event dead-lettered after its retries');
        return 'success';
      },
    },
  ];
}
