import type { EventEnvelope } from '@shop/contracts';
import type Joi from 'joi';
import { kitLimits } from '../data/kit-migrations';

// Tolerant reader: keys a newer publisher adds are ignored (and stripped, so handlers see the contract only);
// nothing is converted, so what passes is exactly what was published.
const validation = { allowUnknown: true, stripUnknown: true, convert: false, abortEarly: false } as const;

/** What checking one event against a subscription's contract found: the problems, or the payload to hand on. */
export type ContractVerdict = { problems: string[] } | { problems: []; data: unknown };

/** A verdict as kept for the other subscribers: the payload only when checking changed it (keys stripped). */
type KeptVerdict = { problems: string[] } | { problems: []; strippedJson?: string };

/**
 * The verdicts on one published event, shared by every subscriber in the process the event is handed to (the
 * embedded bus hands one event to each subscribing service): checking an event against its contract is a pure
 * function of the event, the topic and the schema, so it runs once per event and schema rather than once per
 * subscriber. Each subscriber still gets its own copy of the payload (handlers never share objects).
 */
export class ContractChecks {
  private readonly verdicts = new Map<Joi.Schema, Map<string, KeptVerdict>>();

  verdictFor(schema: Joi.Schema, topic: string, envelope: EventEnvelope): ContractVerdict {
    const kept = this.verdicts.get(schema)?.get(topic);
    if (kept) {
      if (kept.problems.length > 0) return { problems: [...kept.problems] };
      const { strippedJson } = kept as { strippedJson?: string };
      return { problems: [], data: strippedJson === undefined ? envelope.data : JSON.parse(strippedJson) };
    }
    const verdict = checkAgainstContract(schema, topic, envelope);
    const byTopic = this.verdicts.get(schema) ?? new Map<string, KeptVerdict>();
    this.verdicts.set(schema, byTopic);
    if (verdict.problems.length > 0) byTopic.set(topic, { problems: verdict.problems });
    else {
      const data = (verdict as { data: unknown }).data;
      // Each later subscriber parses the event itself: when nothing was stripped its own copy is the payload.
      const strippedJson = JSON.stringify(data);
      byTopic.set(
        topic,
        strippedJson === JSON.stringify(envelope.data) ? { problems: [] } : { problems: [], strippedJson },
      );
    }
    return verdict;
  }
}

/** The envelope and the payload checked against a subscription's topic and schema (joi, once). */
export function checkAgainstContract(schema: Joi.Schema, topic: string, envelope: EventEnvelope): ContractVerdict {
  const problems = envelopeProblems(envelope, topic);
  const { value, error } = schema.validate(envelope.data, validation);
  if (error) problems.push(...error.details.map((detail) => `data.${detail.path.join('.')}: ${detail.message}`));
  return problems.length > 0 ? { problems } : { problems: [], data: value };
}

function envelopeProblems(envelope: EventEnvelope, topic: string): string[] {
  const problems: string[] = [];
  if (
    typeof envelope.id !== 'string' ||
    envelope.id.length === 0 ||
    envelope.id.length > kitLimits.inboxEventIdLength
  ) {
    problems.push(`id: must be 1-${kitLimits.inboxEventIdLength} characters`);
  }
  if (envelope.type !== topic) problems.push(`type: must be ${topic}`);
  if (typeof envelope.occurredAt !== 'string' || Number.isNaN(Date.parse(envelope.occurredAt))) {
    problems.push('occurredAt: must be an ISO 8601 instant');
  }
  return problems;
}
