import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventEnvelope } from '@shop/contracts';
import { type DataSource, In, IsNull, LessThanOrEqual } from 'typeorm';
import type { Logger } from '../log/logger';
import type { TracedEvent } from '../mesh/port';
import { withTraceparent } from '../tracing/tracing';
import { autocommit } from './autocommit';
import { OutboxEvent, type OutboxEventRecord } from './kit-entities';
import { dialectOf } from './portable-columns';
import { onOutboxCommit, transaction, withoutTransaction } from './unit-of-work';

export type PublishEvent = (topic: string, event: EventEnvelope) => Promise<void>;
/** Several events of one topic in one call; rejects when the broker may lack any of them. */
export type PublishEvents = (topic: string, events: TracedEvent[]) => Promise<void>;

export interface OutboxRelayOptions {
  /** Usually `mesh.publish`; resolving means the broker has the event. */
  publish: PublishEvent;
  /**
   * When given (Dapr's bulk publish), a claimed batch goes out as one call per topic instead of one call per row:
   * the topics' calls run side by side. Order within a topic stays that of the rows; across topics there is none
   * to keep (each topic is its own stream, consumed concurrently).
   */
  publishBulk?: PublishEvents;
  logger?: Logger;
  service?: string;
  /** Names this relay in `locked_by`; defaults to host, pid and a random suffix. */
  relayId?: string;
  batchSize?: number;
  /**
   * How long a commit's wake-up waits before claiming, so the commits of concurrent requests share one claim
   * and one publish pass instead of a claim transaction each.
   */
  lingerMs?: number;
  /** How often to look for rows nobody woke us for (another replica's, a crashed relay's, a retry's). */
  pollIntervalMs?: number;
  /**
   * How long a claimed batch is ours; a relay that dies holding it delays its rows this long at most (10 s by
   * default: a batch is published in well under a second, and a relay stops publishing before its lease ends).
   */
  leaseMs?: number;
  /**
   * A failed publish is retried after initialBackoffMs, doubling up to maxBackoffMs (5 s by default): once the
   * broker or sidecar is back, the held rows go out within maxBackoffMs.
   */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

interface PublishPass {
  done: OutboxEventRecord['seq'][];
  failed?: { row: OutboxEventRecord; error: unknown };
  leaseRunningOut: boolean;
}

interface Claim {
  rows: OutboxEventRecord[];
  token: string;
  leaseUntilMs: number;
}

const lastErrorMaxLength = 2_000;

/**
 * Publishes committed outbox rows, oldest first, and marks them published. At least once: a crash after a
 * publish and before the mark publishes that row again (consumers dedupe on the event id).
 *
 * Order: a relay claims only a prefix of the unpublished rows, starting at the oldest, and a failed row
 * holds everything behind it until its retry. Replicas: a claim is a conditional UPDATE of the rows' lease
 * (locked_by, locked_until), so two relays never hold the same row; a relay that dies holding a lease
 * holds nothing once the lease ends, and any relay takes the rows over.
 */
const runningRelays = new Set<OutboxRelay>();

/** Settles every relay running in this process; answers whether any of them had work (see settle()). */
export async function settleOutboxRelays(): Promise<boolean> {
  const busy = await Promise.all([...runningRelays].map((relay) => relay.settle()));
  return busy.includes(true);
}

export class OutboxRelay {
  private readonly publish: PublishEvent;
  private readonly publishBulk: PublishEvents | undefined;
  private readonly log: Logger | undefined;
  private readonly relayId: string;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  private claims = 0;
  private running = false;
  private stopping = false;
  private kickPending = false;
  private lingering = false;
  private passes = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** When the oldest row becomes claimable again, if another lease or a retry delay holds it. */
  private headFreeAtMs: number | undefined;

  constructor(
    private readonly dataSource: DataSource,
    options: OutboxRelayOptions,
  ) {
    this.publish = options.publish;
    this.publishBulk = options.publishBulk;
    this.log = options.logger?.child({ component: 'outbox-relay' });
    this.relayId = options.relayId ?? `${hostname().slice(0, 40)}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 100;
    this.lingerMs = options.lingerMs ?? 2;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  /** Starts publishing: now, after every commit that writes outbox rows, and every poll interval. */
  start(): void {
    if (this.running) return;
    runningRelays.add(this);
    this.running = true;
    this.stopping = false;
    this.unsubscribe = onOutboxCommit(this.dataSource, () => this.kickSoon());
    this.kick();
  }

  /** Stops polling and waits for the batch in flight to be published and marked. */
  async stop(): Promise<void> {
    runningRelays.delete(this);
    this.running = false;
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** Publishes everything claimable now and answers how many events it published (tests use it). */
  flush(): Promise<number> {
    const run = this.chain.then(() => {
      this.stopping = false;
      return this.drain();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** A commit wrote rows: claim them a moment later, together with whatever the next commits write. */
  private kickSoon(): void {
    if (!this.running || this.kickPending || this.lingering) return;
    if (this.lingerMs <= 0) {
      this.kick();
      return;
    }
    this.lingering = true;
    setTimeout(() => {
      this.lingering = false;
      this.kick();
    }, this.lingerMs).unref();
  }

  /**
   * Waits until this relay has nothing left to do for the commits made so far (no wake-up pending, no pass
   * running); answers whether it had any. The embedded bus uses it to tell when a process has gone quiet.
   */
  async settle(): Promise<boolean> {
    let busy = false;
    while (this.lingering || this.kickPending || this.passes > 0) {
      busy = true;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, this.lingerMs)));
      await this.chain;
    }
    return busy;
  }

  private kick(): void {
    if (!this.running || this.kickPending) return;
    this.kickPending = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.passes++;
    const run = this.chain
      .then(() => {
        this.kickPending = false;
        return this.running ? this.drain() : 0;
      })
      .finally(() => this.passes--);
    this.chain = run.then(
      () => this.schedule(),
      (error: unknown) => {
        this.log?.error({ err: error }, 'outbox relay pass failed; will retry');
        this.schedule();
      },
    );
  }

  private schedule(): void {
    if (!this.running || this.kickPending) return;
    if (this.timer) clearTimeout(this.timer);
    const untilHeadFree = this.headFreeAtMs === undefined ? Number.POSITIVE_INFINITY : this.headFreeAtMs - Date.now();
    const delayMs = Math.max(10, Math.min(this.pollIntervalMs, untilHeadFree));
    this.timer = setTimeout(() => this.kick(), delayMs);
    this.timer.unref();
  }

  /** Publishes batch after batch until nothing is claimable, a publish fails, or the relay is stopping. */
  private async drain(): Promise<number> {
    let published = 0;
    for (;;) {
      const claim = await this.claim();
      if (!claim) return published;
      const result = await this.publishClaimed(claim);
      published += result.published;
      if (result.stoppedEarly || this.stopping) return published;
      // A short batch was the whole backlog: rows committed since then woke the relay again themselves.
      if (claim.rows.length < this.batchSize && this.running) return published;
    }
  }

  /** Leases the oldest unpublished rows that nobody holds, as one conditional UPDATE. */
  private claim(): Promise<Claim | undefined> {
    const dialect = dialectOf(this.dataSource);
    if (dialect === 'postgres') return this.claimInOneStatement();
    if (dialect === 'sqlite') return this.claimOnSqlite();
    return this.claimInTransaction();
  }

  /**
   * The claim of claimInTransaction on SQLite, where the kit runs one transaction at a time on the one connection:
   * one UPDATE leases the prefix of the unpublished rows up to the first one someone holds, and a read by key gets
   * them; no BEGIN and COMMIT (the relay passes once per batch of commits, and its five statements were a good
   * share of an order's). When nothing was free, a read of the head says until when it is held.
   */
  private claimOnSqlite(): Promise<Claim | undefined> {
    return withoutTransaction(this.dataSource, async (manager) => {
      const now = new Date();
      const token = `${this.relayId}#${this.claims + 1}`;
      const leaseUntilMs = now.getTime() + this.leaseMs;
      const stored = storedDate(this.dataSource);
      const claimed: Array<{ seq: number }> = await manager.query(
        `UPDATE outbox_events SET locked_by = ?, locked_until = ?
         WHERE seq IN (
           SELECT seq FROM outbox_events
           WHERE published_at IS NULL
             AND (locked_until IS NULL OR locked_until <= ?)
             AND seq < coalesce(
               (SELECT min(seq) FROM outbox_events WHERE published_at IS NULL AND locked_until > ?),
               9223372036854775807)
           ORDER BY seq LIMIT ?)
         RETURNING seq`,
        [token, stored(new Date(leaseUntilMs)), stored(now), stored(now), this.batchSize],
      );
      if (claimed.length === 0) {
        const head = await manager.findOne(OutboxEvent, {
          select: { seq: true, lockedUntil: true },
          where: { publishedAt: IsNull() },
          order: { seq: 'ASC' },
        });
        this.headFreeAtMs = head?.lockedUntil?.getTime();
        return undefined;
      }
      this.headFreeAtMs = undefined;
      this.claims++;
      const rows = await manager.find(OutboxEvent, {
        where: { seq: In(claimed.map((row) => row.seq)), lockedBy: token },
        order: { seq: 'ASC' },
      });
      return { rows, token, leaseUntilMs };
    });
  }

  /**
   * The claim of claimInTransaction as one statement: the relay runs a pass per batch of commits and an idle
   * poll every interval, and its read, update, re-read, BEGIN and COMMIT were five round trips each time.
   * Same checks: the prefix of the unpublished rows up to the first one someone holds, updated only where
   * still free; fewer rows updated than were free means another relay took part of it, and ours go back.
   */
  private async claimInOneStatement(): Promise<Claim | undefined> {
    const now = new Date();
    // Numbered only once it claims something, as in claimInTransaction.
    const token = `${this.relayId}#${this.claims + 1}`;
    const leaseUntilMs = now.getTime() + this.leaseMs;
    const rows: ClaimedRow[] = await this.dataSource.query(
      `WITH head AS (
         SELECT seq, locked_until FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT $1
       ), blocked AS (
         SELECT min(seq) AS seq FROM head WHERE locked_until > $2
       ), free AS (
         SELECT seq FROM head WHERE (SELECT seq FROM blocked) IS NULL OR seq < (SELECT seq FROM blocked)
       ), claimed AS (
         UPDATE outbox_events o SET locked_by = $3, locked_until = $4 FROM free
         WHERE o.seq = free.seq AND o.published_at IS NULL AND (o.locked_until IS NULL OR o.locked_until <= $2)
         RETURNING o.*
       )
       SELECT claimed.*, (SELECT count(*) FROM free)::int AS wanted,
              (SELECT locked_until FROM head ORDER BY seq LIMIT 1) AS head_locked_until
       FROM (SELECT 1) AS one LEFT JOIN claimed ON true
       ORDER BY claimed.seq`,
      [this.batchSize, now, token, new Date(leaseUntilMs)],
    );
    const summary = rows[0];
    const claimed = rows.filter((row) => row.seq !== null).map(recordOf);
    const wanted = summary?.wanted ?? 0;
    if (wanted === 0) {
      this.headFreeAtMs = summary?.head_locked_until?.getTime();
      return undefined;
    }
    this.headFreeAtMs = undefined;
    this.claims++;
    if (claimed.length !== wanted) {
      // Another relay claimed some of these rows between our read and our update: leave the head to it.
      if (claimed.length > 0) {
        await this.dataSource.query(
          'UPDATE outbox_events SET locked_by = NULL, locked_until = NULL WHERE locked_by = $1',
          [token],
        );
      }
      this.headFreeAtMs = now.getTime() + this.pollIntervalMs;
      return undefined;
    }
    return { rows: claimed, token, leaseUntilMs };
  }

  private claimInTransaction(): Promise<Claim | undefined> {
    return transaction(this.dataSource, async (tx) => {
      const now = new Date();
      const head = await tx.manager.find(OutboxEvent, {
        select: { seq: true, lockedUntil: true },
        where: { publishedAt: IsNull() },
        order: { seq: 'ASC' },
        take: this.batchSize,
      });
      const free: OutboxEventRecord[] = [];
      for (const row of head) {
        if (row.lockedUntil && row.lockedUntil.getTime() > now.getTime()) break;
        free.push(row);
      }
      this.headFreeAtMs = free.length === 0 ? head[0]?.lockedUntil?.getTime() : undefined;
      if (free.length === 0) return undefined;

      const token = `${this.relayId}#${++this.claims}`;
      const leaseUntilMs = now.getTime() + this.leaseMs;
      const seqs = free.map((row) => row.seq);
      const claimable = { seq: In(seqs), publishedAt: IsNull() };
      const { affected } = await tx.manager.update(
        OutboxEvent,
        [
          { ...claimable, lockedUntil: IsNull() },
          { ...claimable, lockedUntil: LessThanOrEqual(now) },
        ],
        { lockedBy: token, lockedUntil: new Date(leaseUntilMs) },
      );
      if (affected !== seqs.length) {
        // Another relay claimed some of these rows between our read and our update: leave the head to it.
        await tx.manager.update(OutboxEvent, { lockedBy: token }, { lockedBy: null, lockedUntil: null });
        this.headFreeAtMs = now.getTime() + this.pollIntervalMs;
        return undefined;
      }
      // By primary key: locked_by has no index, and published rows stay in the table for a while.
      const rows = await tx.manager.find(OutboxEvent, {
        where: { seq: In(seqs), lockedBy: token },
        order: { seq: 'ASC' },
      });
      return { rows, token, leaseUntilMs };
    });
  }

  private async publishClaimed(claim: Claim): Promise<{ published: number; stoppedEarly: boolean }> {
    const { done, failed, leaseRunningOut } = this.publishBulk
      ? await this.publishByTopic(claim, this.publishBulk)
      : await this.publishOneByOne(claim);
    const rest = claim.rows.filter((row) => !done.includes(row.seq) && row.seq !== failed?.row.seq);
    if (!failed && rest.length === 0) {
      // The usual pass: every row published, marked with one UPDATE.
      await autocommit(this.dataSource, (manager) =>
        manager.update(
          OutboxEvent,
          { seq: In(done) },
          { publishedAt: new Date(), lockedBy: null, lockedUntil: null, lastError: null },
        ),
      );
      return { published: done.length, stoppedEarly: leaseRunningOut };
    }
    await transaction(this.dataSource, async (tx) => {
      const now = new Date();
      if (done.length > 0) {
        await tx.manager.update(
          OutboxEvent,
          { seq: In(done) },
          { publishedAt: now, lockedBy: null, lockedUntil: null, lastError: null },
        );
      }
      if (failed) {
        const attempts = failed.row.attempts + 1;
        const backoffMs = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempts - 1));
        // The failed row stays leased for its backoff, which also holds every row behind it: order is kept.
        await tx.manager.update(
          OutboxEvent,
          { seq: failed.row.seq },
          {
            attempts,
            lastError: String((failed.error as Error)?.message ?? failed.error).slice(0, lastErrorMaxLength),
            lockedBy: claim.token,
            lockedUntil: new Date(now.getTime() + backoffMs),
          },
        );
        this.headFreeAtMs = now.getTime() + backoffMs;
        this.log?.warn(
          { err: failed.error, eventId: failed.row.id, topic: failed.row.topic, attempts, backoffMs },
          'publishing an outbox event failed; will retry',
        );
      }
      if (rest.length > 0) {
        await tx.manager.update(
          OutboxEvent,
          { seq: In(rest.map((row) => row.seq)), lockedBy: claim.token },
          { lockedBy: null, lockedUntil: null },
        );
      }
    });
    return { published: done.length, stoppedEarly: failed !== undefined || leaseRunningOut };
  }

  /** Row after row, each its own publish: a failed row stops the batch, and the rows behind it wait for its retry. */
  private async publishOneByOne(claim: Claim): Promise<PublishPass> {
    const done: OutboxEventRecord['seq'][] = [];
    let failed: PublishPass['failed'];
    let leaseRunningOut = false;
    for (const row of claim.rows) {
      // Past the lease another relay may own the row; leave the rest of the batch to the next claim.
      if (this.leaseRunningOut(claim)) {
        leaseRunningOut = true;
        break;
      }
      try {
        // The publish continues the trace of the work that wrote the row, not whichever request woke the relay.
        await withTraceparent(row.traceparent, () => this.publish(row.topic, envelopeOf(row)));
        done.push(row.seq);
      } catch (error) {
        failed = { row, error };
        break;
      }
    }
    return { done, failed, leaseRunningOut };
  }

  /**
   * One bulk call per topic, side by side. A topic whose call failed is published again whole (consumers dedupe):
   * its first row takes the retry delay, which holds it and every row behind it, as a failed single publish does.
   */
  private async publishByTopic(claim: Claim, publishBulk: PublishEvents): Promise<PublishPass> {
    if (this.leaseRunningOut(claim)) return { done: [], leaseRunningOut: true };
    const byTopic = new Map<string, OutboxEventRecord[]>();
    for (const row of claim.rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    // Each entry carries its own row's traceparent; the call itself continues the first row's trace (a call belongs
    // to one trace), not whichever request or poll woke the relay, so a lone row's publish is in its own trace.
    const results = await Promise.allSettled(
      [...byTopic].map(([topic, rows]) =>
        withTraceparent(rows[0]?.traceparent, () =>
          publishBulk(
            topic,
            rows.map((row) => ({ event: envelopeOf(row), traceparent: row.traceparent })),
          ),
        ),
      ),
    );
    const done: OutboxEventRecord['seq'][] = [];
    let failed: PublishPass['failed'];
    [...byTopic.values()].forEach((rows, index) => {
      const result = results[index] as PromiseSettledResult<void>;
      if (result.status === 'fulfilled') done.push(...rows.map((row) => row.seq));
      else if (!failed || Number(rows[0]?.seq) < Number(failed.row.seq)) {
        failed = { row: rows[0] as OutboxEventRecord, error: result.reason };
      }
    });
    return { done, failed, leaseRunningOut: false };
  }

  private leaseRunningOut(claim: Claim): boolean {
    return Date.now() >= claim.leaseUntilMs - Math.min(1_000, this.leaseMs / 10);
  }
}

/** A row of the PostgreSQL claim: an outbox row (all null when nothing was claimed) plus the claim's summary. */
interface ClaimedRow {
  seq: string | null;
  id: string;
  topic: string;
  type: string;
  payload: string;
  occurred_at: Date;
  created_at: Date;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_until: Date | null;
  traceparent: string | null;
  wanted: number;
  head_locked_until: Date | null;
}

/** An instant as TypeORM stores it in this database's datetime columns (SQLite keeps a UTC text). */
function storedDate(dataSource: DataSource): (at: Date) => unknown {
  const column = dataSource.getMetadata(OutboxEvent).findColumnWithPropertyName('lockedUntil');
  if (!column) throw new Error('the outbox entity has no lockedUntil column');
  return (at) => dataSource.driver.preparePersistentValue(at, column);
}

function recordOf(row: ClaimedRow): OutboxEventRecord {
  return {
    seq: row.seq as string,
    id: row.id,
    topic: row.topic,
    type: row.type,
    payload: row.payload,
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
    publishedAt: row.published_at,
    attempts: row.attempts,
    lastError: row.last_error,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    traceparent: row.traceparent,
  };
}

function envelopeOf(row: OutboxEventRecord): EventEnvelope {
  return { id: row.id, type: row.type, occurredAt: row.occurredAt.toISOString(), data: JSON.parse(row.payload) };
}
