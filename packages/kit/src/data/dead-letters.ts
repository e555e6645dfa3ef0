import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/contracts';
import type { DataSource } from 'typeorm';
import type { TimePosition } from '../http/cursor';
import { keysetPage } from './keyset';
import { DeadLetter, type DeadLetterRecord, type DeadLetterStatus } from './kit-entities';
import { kitLimits } from './kit-migrations';

/** What the mesh handed over and what the process saw of the event's failures. */
export interface DeadLetterArrival {
  topic: string;
  event: EventEnvelope;
  error: string | null;
  attempts: number;
}

/**
 * A service's dead letters, in its own database: written as each arrives on the service's dead-letter topic,
 * listed, replayed and discarded by an operator. One event dead-lettered twice is two rows.
 */
export class DeadLetterStore {
  constructor(private readonly dataSource: DataSource) {}

  async store(arrival: DeadLetterArrival): Promise<DeadLetterRecord> {
    const { event } = arrival;
    const record: DeadLetterRecord = {
      id: randomUUID(),
      topic: clip(arrival.topic, kitLimits.topicLength),
      eventId: clip(String(event.id), kitLimits.inboxEventIdLength),
      eventType: clip(String(event.type), kitLimits.eventTypeLength),
      payload: JSON.stringify(event),
      error: arrival.error,
      attempts: arrival.attempts,
      deadLetteredAt: new Date(),
      status: 'stored',
      resolvedAt: null,
      resolvedBy: null,
    };
    await this.dataSource.manager.insert(DeadLetter, record);
    return record;
  }

  /** Newest first; `after` is where the previous page ended. */
  async list(query: {
    topic?: string;
    status?: DeadLetterStatus;
    limit: number;
    after?: TimePosition;
  }): Promise<{ items: DeadLetterRecord[]; next: TimePosition | null }> {
    const select = this.dataSource.manager.createQueryBuilder(DeadLetter, 'dead_letter');
    if (query.topic !== undefined) select.andWhere({ topic: query.topic });
    if (query.status !== undefined) select.andWhere({ status: query.status });
    const { items, last } = await keysetPage(select, {
      key: 'deadLetteredAt',
      direction: 'DESC',
      limit: query.limit,
      after: query.after && { value: query.after.createdAt, id: query.after.id },
    });
    return { items, next: last ? { createdAt: last.deadLetteredAt, id: last.id } : null };
  }

  find(id: string): Promise<DeadLetterRecord | null> {
    return this.dataSource.manager.findOneBy(DeadLetter, { id });
  }

  /**
   * Marks the row resolved unless it already is otherwise (a replayed one is not discarded, nor a discarded one
   * replayed): one conditional UPDATE, so two operators acting at once cannot both win. Answers the row as it is now.
   */
  async resolve(id: string, status: 'replayed' | 'discarded', by: string): Promise<DeadLetterRecord | null> {
    const resolvable: DeadLetterStatus[] = status === 'replayed' ? ['stored', 'replayed'] : ['stored', 'discarded'];
    await this.dataSource.manager
      .createQueryBuilder()
      .update(DeadLetter)
      .set({ status, resolvedAt: new Date(), resolvedBy: clip(by, 100) })
      .where('id = :id', { id })
      .andWhere('status IN (:...resolvable)', { resolvable })
      .execute();
    return this.find(id);
  }

  /** After a replay that failed again: the new reason, one more attempt, still stored. */
  async failedAgain(id: string, error: string): Promise<void> {
    await this.dataSource.manager
      .createQueryBuilder()
      .update(DeadLetter)
      .set({ error, attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .execute();
  }

  /** Rows still waiting for an operator (the gauge). */
  countStored(): Promise<number> {
    return this.dataSource.manager.countBy(DeadLetter, { status: 'stored' });
  }
}

function clip(text: string, length: number): string {
  return text.length > length ? text.slice(0, length) : text;
}
