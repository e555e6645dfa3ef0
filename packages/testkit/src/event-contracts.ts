import { type EventEnvelope, eventContracts, type Topic } from '@shop/contracts';

/**
 * What is wrong with an event as published on `topic`, measured against its contract in `@shop/contracts`
 * strictly: the topic must have a contract, the envelope must be well formed and typed as its topic, and the
 * payload must hold exactly the contract's fields (consumers read tolerantly; publishers must not drift).
 */
export function contractProblems(topic: string, event: EventEnvelope): string[] {
  const contract = eventContracts[topic as Topic];
  if (!contract) return [`${topic}: no contract in @shop/contracts`];
  const problems: string[] = [];
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(event.id)) problems.push('id: not a UUID');
  if (event.type !== topic) problems.push(`type: ${event.type}, not ${topic}`);
  if (Number.isNaN(Date.parse(event.occurredAt)) || new Date(event.occurredAt).toISOString() !== event.occurredAt) {
    problems.push(`occurredAt: ${event.occurredAt} is not an ISO 8601 UTC instant`);
  }
  const { error } = contract.schema.validate(event.data, { convert: false, abortEarly: false });
  for (const detail of error?.details ?? []) problems.push(`data.${detail.path.join('.')}: ${detail.message}`);
  return problems.map((problem) => `${topic} ${event.id}: ${problem}`);
}
