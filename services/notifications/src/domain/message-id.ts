import type { Delivery } from './delivery';

/**
 * The Message-ID of a delivery's email: made of the event and the channel, so a resend after a crash between
 * sending and recording carries the same one and mail systems drop the duplicate.
 */
export function messageIdOf(delivery: Pick<Delivery, 'eventId' | 'channel'>, domain: string): string {
  const local = `${delivery.eventId}.${delivery.channel}`.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '-');
  return `<${local}@${domain}>`;
}
