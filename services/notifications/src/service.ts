import { ApiRoutes, inboxIntake, intervalJob, type ServiceManifest } from '@shop/kit';
import { deliverDue } from './application/deliver-due';
import type { EmailSender, NotificationsDeps } from './application/ports';
import { notificationRoutes } from './http/notification-routes';
import { deliveryMetrics } from './infrastructure/delivery-metrics';
import { notificationsEntities } from './infrastructure/entities';
import { HandlebarsRenderer } from './infrastructure/handlebars-renderer';
import { hubInAppPusherFrom } from './infrastructure/hub-in-app-pusher';
import { notificationsMigrations } from './infrastructure/migrations';
import { domainOf, SmtpEmailSender } from './infrastructure/smtp-email-sender';
import { twilioSmsSenderFrom } from './infrastructure/twilio-sms-sender';
import { storeOfTx, typeormUnitOfWork } from './infrastructure/typeorm-store';
import { type NotificationsConfig, notificationsConfigSchema } from './notifications-config';
import { notificationsSubscriptions } from './subscriptions/notifications-subscriptions';

/** Without SMTP_URL (development only) an email cannot go anywhere: each is refused and ends `Failed`. */
const noSmtpServer: EmailSender = {
  async send() {
    throw new Error('no SMTP server configured (SMTP_URL)');
  },
};

/**
 * Notifications: tells customers about their account and orders. Each triggering event records one delivery
 * per channel (email, SMS, in-app) with its inbox record; a sender job works through the due ones, retrying
 * with backoff, and announces each one sent. Keeps a copy of the customers' contact details from identity's events.
 */
export const notificationsService: ServiceManifest<NotificationsConfig> = {
  name: 'notifications',
  publicPaths: ['/api/notifications', '/api/admin/notifications'],
  config: notificationsConfigSchema,
  data: { entities: notificationsEntities, migrations: notificationsMigrations },
  outbox: true,
  async setup({ name, config, dataSource, log, metrics, authenticate, mesh, origin }) {
    const clock = { now: () => new Date() };
    const renderer = new HandlebarsRenderer();
    const smtp = config.SMTP_URL
      ? new SmtpEmailSender({
          url: config.SMTP_URL,
          from: config.MAIL_FROM,
          maxConnections: config.NOTIFICATION_SEND_CONCURRENCY,
          timeoutMs: config.SMTP_TIMEOUT_MS,
        })
      : undefined;
    if (!smtp) log.warn('SMTP_URL is not set: emails cannot be sent and end Failed');
    // SMS only with a provider configured; in-app pushes through the hub when this topology reaches one.
    const sms = twilioSmsSenderFrom(config);
    const inAppPusher = hubInAppPusherFrom(config, { mesh, metrics, name, ...(origin ? { origin } : {}) });
    const deps: NotificationsDeps = {
      ...(sms ? { sms } : {}),
      ...(inAppPusher ? { inAppPusher } : {}),
      unitOfWork: typeormUnitOfWork(dataSource),
      clock,
      renderer,
      email: smtp ?? noSmtpServer,
      retry: {
        baseDelayMs: config.NOTIFICATION_RETRY_BASE_MS,
        maxDelayMs: config.NOTIFICATION_RETRY_MAX_DELAY_MS,
        retryForMs: config.NOTIFICATION_RETRY_FOR_SECONDS * 1000,
      },
      messageIdDomain: domainOf(config.MAIL_FROM),
      onAttempt: deliveryMetrics(metrics),
    };
    const senderLog = log.child({ component: 'notification-sender' });

    const api = new ApiRoutes();
    api.use(authenticate);
    notificationRoutes(api, deps);
    return {
      router: api.router,
      openApi: api.openApi({
        title: 'notifications',
        version: '1',
        description: "Customers' in-app notifications and channel preferences, and the delivery log.",
      }),
      subscriptions: inboxIntake(notificationsSubscriptions, {
        service: name,
        log,
        dataSource,
        deps: { storeOf: storeOfTx, clock, renderer, smsConfigured: Boolean(deps.sms) },
      }),
      jobs: [
        intervalJob({
          name: 'sending notifications',
          everyMs: config.NOTIFICATION_SEND_INTERVAL_MS,
          run: () =>
            deliverDue(
              { log: senderLog },
              {
                batchSize: config.NOTIFICATION_SEND_BATCH_SIZE,
                concurrency: config.NOTIFICATION_SEND_CONCURRENCY,
                // Longer than the three SMTP timeouts in a row: a claim never lapses under a live send.
                claimMs: config.SMTP_TIMEOUT_MS * 3 + 30_000,
              },
              deps,
            ),
          log,
        }),
      ],
      close: () => smtp?.close(),
    };
  },
};
