import { type ApiRoutes, type Caller, decodeTimeCursor, encodeTimeCursor, handlerContext, problem } from '@shop/kit';
import type { Context } from 'koa';
import { deliveryLog } from '../application/delivery-log';
import { listInAppNotifications, markNotificationRead } from '../application/in-app-notifications';
import type { Clock, DeliveryQuery, UnitOfWork } from '../application/ports';
import { preferencesOf, setPreferences } from '../application/preferences';
import type { Preferences } from '../domain/customer-contact';
import { deliveryView } from '../domain/delivery';
import { inAppView } from '../domain/in-app-notification';
import {
  delivery,
  deliveryLogQuery,
  inAppNotification,
  listQuery,
  notificationIdParams,
  pageOf,
  preferences,
} from './schemas';

export interface NotificationsHttp {
  unitOfWork: UnitOfWork;
  clock: Clock;
}

const caller = (ctx: Context) => ctx.state.caller as Caller;

export function notificationRoutes(api: ApiRoutes, deps: NotificationsHttp): void {
  api.get(
    '/api/notifications',
    {
      summary: "The caller's in-app notifications, newest first",
      access: 'customer',
      request: { query: listQuery },
      responses: { 200: { description: 'A page of notifications', body: pageOf(inAppNotification) } },
    },
    async (ctx) => {
      const query = ctx.state.query as { limit: number; cursor?: string };
      const page = await listInAppNotifications(
        handlerContext(ctx),
        {
          customerId: caller(ctx).id,
          limit: query.limit,
          ...(query.cursor ? { after: decodeTimeCursor(query.cursor) } : {}),
        },
        deps,
      );
      ctx.body = { items: page.items.map(inAppView), nextCursor: page.next ? encodeTimeCursor(page.next) : null };
    },
  );

  api.get(
    '/api/notifications/preferences',
    {
      summary: "The caller's channel preferences (email and in-app on, SMS off until set)",
      access: 'customer',
      responses: { 200: { description: 'The preferences', body: preferences } },
    },
    async (ctx) => {
      ctx.body = await preferencesOf(handlerContext(ctx), { customerId: caller(ctx).id }, deps);
    },
  );

  api.put(
    '/api/notifications/preferences',
    {
      summary: "Sets the caller's channel preferences; a channel turned off is logged as Skipped",
      access: 'customer',
      request: { body: preferences },
      responses: { 200: { description: 'The preferences', body: preferences } },
    },
    async (ctx) => {
      const { email, sms, inApp } = ctx.request.body as Preferences;
      ctx.body = await setPreferences(
        handlerContext(ctx),
        { customerId: caller(ctx).id, preferences: { email, sms, inApp } },
        deps,
      );
    },
  );

  api.post(
    '/api/notifications/:id/read',
    {
      summary: 'Marks one of the caller’s notifications read',
      access: 'customer',
      request: { params: notificationIdParams },
      responses: {
        200: { description: 'The notification, readAt set', body: inAppNotification },
        404: { description: 'No such notification of the caller' },
      },
    },
    async (ctx) => {
      const notification = await markNotificationRead(
        handlerContext(ctx),
        { customerId: caller(ctx).id, notificationId: ctx.params.id as string },
        deps,
      );
      if (!notification) throw problem(404, 'Notification not found');
      ctx.body = inAppView(notification);
    },
  );

  api.get(
    '/api/admin/notifications',
    {
      summary: 'The delivery log: every settled delivery (Sent, Failed, Skipped), newest first',
      access: 'admin',
      request: { query: deliveryLogQuery },
      responses: { 200: { description: 'A page of deliveries', body: pageOf(delivery) } },
    },
    async (ctx) => {
      const query = ctx.state.query as Omit<DeliveryQuery, 'after'> & { cursor?: string };
      const { cursor, ...filters } = query;
      const page = await deliveryLog(
        handlerContext(ctx),
        { ...filters, ...(cursor ? { after: decodeTimeCursor(cursor) } : {}) },
        deps,
      );
      ctx.body = { items: page.items.map(deliveryView), nextCursor: page.next ? encodeTimeCursor(page.next) : null };
    },
  );
}
