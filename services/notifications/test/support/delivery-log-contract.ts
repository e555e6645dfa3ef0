import { randomUUID } from 'node:crypto';
import { createLogger, type HandlerContext, isUniqueViolation, transaction } from '@shop/kit';
import type { DataSource } from 'typeorm';
import { deliverDue } from '../../src/application/deliver-due';
import type { NotificationsDeps } from '../../src/application/ports';
import { recordNotification } from '../../src/application/record-notification';
import type { Delivery } from '../../src/domain/delivery';
import { HandlebarsRenderer } from '../../src/infrastructure/handlebars-renderer';
import { SmtpEmailSender } from '../../src/infrastructure/smtp-email-sender';
import { storeOfTx, typeormUnitOfWork } from '../../src/infrastructure/typeorm-store';
import { type SmtpInbox, startSmtpInbox } from './smtp-inbox';

const ctx: HandlerContext = { log: createLogger({ name: 'delivery-log-test', level: 'fatal' }) };
const renderer = new HandlebarsRenderer();
const claimMs = 60_000;

/**
 * The delivery log and queue against one database: SQLite in the unit suite, PostgreSQL in the integration
 * suite (the same tests, so the two cannot disagree). `open` answers a migrated DataSource.
 */
export function deliveryLogContract(
  name: string,
  open: () => Promise<{ dataSource: DataSource; close(): Promise<void> }>,
) {
  describe(`the delivery log on ${name}`, () => {
    let dataSource: DataSource;
    let close: () => Promise<void>;
    let smtp: SmtpInbox;
    let sender: SmtpEmailSender;
    let now = new Date('2026-03-01T10:00:00Z');
    const clock = { now: () => now };
    let deps: NotificationsDeps;

    beforeAll(async () => {
      ({ dataSource, close } = await open());
      smtp = await startSmtpInbox();
      sender = new SmtpEmailSender({
        url: smtp.url,
        from: 'Shop <no-reply@shop.local>',
        maxConnections: 2,
        timeoutMs: 2_000,
      });
      deps = {
        unitOfWork: typeormUnitOfWork(dataSource),
        clock,
        renderer,
        email: sender,
        retry: { baseDelayMs: 30_000, maxDelayMs: 300_000, retryForMs: 900_000 },
        messageIdDomain: 'shop.local',
      };
    });
    afterAll(async () => {
      sender.close();
      await smtp.close();
      await close();
    });

    const customer = async (email = `${randomUUID().slice(0, 8)}@example.com`) => {
      const customerId = randomUUID();
      await deps.unitOfWork((store) =>
        store.contacts.save({ customerId, email, name: 'Grace', locale: 'en', phone: null, updatedAt: now }),
      );
      return { customerId, email };
    };
    const record = (customerId: string, eventId = randomUUID()) =>
      transaction(dataSource, (tx) =>
        recordNotification(
          ctx,
          { eventId, customerId, type: 'OrderDelivered', facts: { orderId: randomUUID() } },
          { store: storeOfTx(tx), clock, renderer, smsConfigured: false },
        ),
      );
    const deliveryOf = async (deliveries: Delivery[], channel: string) => {
      const found = deliveries.find((delivery) => delivery.channel === channel) as Delivery;
      return deps.unitOfWork((store) => store.deliveries.byId(found.id)) as Promise<Delivery>;
    };

    it('refuses a second delivery of an event on a channel (the unique index)', async () => {
      const { customerId } = await customer();
      const eventId = randomUUID();
      const [first] = await record(customerId, eventId);
      const again = transaction(dataSource, (tx) =>
        storeOfTx(tx).deliveries.insert({ ...(first as Delivery), id: randomUUID() }),
      );
      const refused = await again.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isUniqueViolation(refused)).toBe(true);
      // Recording the event again adds nothing.
      expect(await record(customerId, eventId)).toEqual([]);
    });

    it('lets each due delivery be claimed by exactly one of many senders', async () => {
      const ours = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const { customerId } = await customer();
        for (const delivery of await record(customerId)) if (delivery.status === 'Pending') ours.add(delivery.id);
      }
      const until = new Date(now.getTime() + claimMs);
      const claims = await Promise.all(
        Array.from({ length: 8 }, () =>
          deps.unitOfWork((store) => store.deliveries.claimDue(now, { token: randomUUID(), until }, 100)),
        ),
      );
      const claimedIds = claims.flat().filter((delivery) => ours.has(delivery.id));
      expect(claimedIds.map((delivery) => delivery.id).sort()).toEqual([...ours].sort());
      expect(claimedIds.every((delivery) => delivery.status === 'Sending' && delivery.attempts === 1)).toBe(true);
      // Claimed, they are not due again until the claim lapses.
      const again = await deps.unitOfWork((store) =>
        store.deliveries.claimDue(now, { token: randomUUID(), until }, 100),
      );
      expect(again.filter((delivery) => ours.has(delivery.id))).toEqual([]);
      // Leave nothing claimed for the tests after this one.
      now = new Date(until.getTime());
      await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
    });

    it('resends at most once after a crash between sending and recording, with the same Message-ID', async () => {
      const { customerId, email: address } = await customer();
      const delivery = await deliveryOf(await record(customerId), 'email');
      // A sender claims the delivery and sends it, then dies before recording: the row stays claimed.
      const token = randomUUID();
      const claimed = await deps.unitOfWork((store) =>
        store.deliveries.claimDue(now, { token, until: new Date(now.getTime() + claimMs) }, 100),
      );
      expect(claimed.map((one) => one.id)).toContain(delivery.id);
      await sender.send({
        messageId: `<${delivery.eventId}.email@shop.local>`,
        to: address,
        subject: 'sent before the crash',
        text: 'x',
        html: '<p>x</p>',
      });
      // Before the claim lapses nobody touches it; after, the next pass sends it once more and records it.
      await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
      expect(smtp.to(address)).toHaveLength(1);
      now = new Date(now.getTime() + claimMs);
      await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
      await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
      const mails = smtp.to(address);
      expect(mails).toHaveLength(2);
      expect(new Set(mails.map((mail) => mail.parsed.messageId))).toEqual(
        new Set([`<${delivery.eventId}.email@shop.local>`]),
      );
      expect(await deps.unitOfWork((store) => store.deliveries.byId(delivery.id))).toMatchObject({
        status: 'Sent',
        attempts: 2,
      });
      // The dead sender's late record (its claim was taken over) changes nothing.
      expect(
        await deps.unitOfWork((store) => store.deliveries.settle(delivery.id, token, 'Failed', { error: 'late' })),
      ).toBe(false);
    });

    it('schedules a retry after a refused send and gives up after the window with the error', async () => {
      const { customerId, email: address } = await customer();
      const delivery = await deliveryOf(await record(customerId), 'email');
      smtp.refuse(true);
      try {
        const firstAt = now;
        await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
        const retrying = await deps.unitOfWork((store) => store.deliveries.byId(delivery.id));
        expect(retrying).toMatchObject({ status: 'Pending', attempts: 1, error: expect.stringContaining('451') });
        expect(retrying?.nextAttemptAt?.getTime()).toBe(firstAt.getTime() + 30_000);
        // Not due before its time.
        await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
        expect((await deps.unitOfWork((store) => store.deliveries.byId(delivery.id)))?.attempts).toBe(1);
        for (let pass = 0; pass < 10; pass++) {
          now = new Date(now.getTime() + 300_000);
          await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
        }
        const failed = await deps.unitOfWork((store) => store.deliveries.byId(delivery.id));
        expect(failed).toMatchObject({ status: 'Failed', error: expect.stringContaining('451') });
        expect(smtp.to(address)).toHaveLength(0);
      } finally {
        smtp.refuse(false);
      }
    });

    it('lists settled deliveries newest first, filtered, page by page', async () => {
      const { customerId } = await customer();
      for (let i = 0; i < 3; i++) {
        now = new Date(now.getTime() + 1_000);
        await record(customerId);
      }
      await deliverDue(ctx, { batchSize: 100, concurrency: 2, claimMs }, deps);
      const all: Delivery[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      do {
        const page = await deps.unitOfWork((store) =>
          store.deliveries.list({ customerId, limit: 4, ...(after ? { after } : {}) }),
        );
        all.push(...page.items);
        after = page.next ?? undefined;
      } while (after);
      expect(all).toHaveLength(9);
      expect(all.map((delivery) => delivery.createdAt.getTime())).toEqual(
        [...all].map((delivery) => delivery.createdAt.getTime()).sort((a, b) => b - a),
      );
      const sentEmails = await deps.unitOfWork((store) =>
        store.deliveries.list({ customerId, channel: 'email', status: 'Sent', limit: 10 }),
      );
      expect(sentEmails.items).toHaveLength(3);
      const skipped = await deps.unitOfWork((store) =>
        store.deliveries.list({ customerId, status: 'Skipped', limit: 10 }),
      );
      expect(skipped.items.map((delivery) => delivery.channel)).toEqual(['sms', 'sms', 'sms']);
    });
  });
}
