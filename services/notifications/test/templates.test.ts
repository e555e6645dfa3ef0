import { locales } from '../src/domain/customer-contact';
import { notificationTypes } from '../src/domain/notification';
import { formatMoney, HandlebarsRenderer } from '../src/infrastructure/handlebars-renderer';

const renderer = new HandlebarsRenderer();
const orderId = '5f0c7c4e-8a41-4f5e-9d51-2b8e8f0a1c33';

describe('the notification templates', () => {
  it.each(locales.flatMap((locale) => notificationTypes.map((type) => [locale, type] as const)))(
    'render %s %s with a subject, a text and an HTML part',
    (locale, type) => {
      const words = renderer.render(type, locale, { name: 'Ada', orderId });
      expect(words.subject.length).toBeGreaterThan(5);
      expect(words.text).toContain('Ada');
      expect(words.html).toMatch(/^<!doctype html>/);
      expect(words.html).toContain(`lang="${locale}"`);
      if (type !== 'Welcome') expect(words.subject).toContain(orderId);
    },
  );

  it('escapes a name like <script> in the HTML part and keeps it as written in the text', () => {
    const name = '<script>alert("x")</script> & Co';
    const words = renderer.render('Welcome', 'en', { name });
    expect(words.html).not.toContain('<script>');
    expect(words.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(words.text).toContain(name);
  });

  it('keeps line breaks out of the subject whatever the name holds', () => {
    const words = renderer.render('Welcome', 'en', { name: 'Eve\r\nBcc: victim@example.com' });
    expect(words.subject).toBe('Welcome to the shop, Eve Bcc: victim@example.com');
  });

  it('writes German for a German customer: the reason of a failure in words, money the German way', () => {
    const failed = renderer.render('OrderFailed', 'de-DE', {
      name: 'Jürgen',
      orderId,
      failureReason: 'PaymentDeclined',
    });
    expect(failed.subject).toBe(`Ihre Bestellung ${orderId} konnte nicht abgeschlossen werden`);
    expect(failed.text).toContain('die Zahlung wurde abgelehnt');
    const cancelled = renderer.render('OrderCancelled', 'de', {
      name: 'Jürgen',
      orderId,
      refund: { amount: 123456, currency: 'EUR' },
      cardLast4: '4242',
    });
    expect(cancelled.text).toContain('Wir erstatten 1.234,56\u00a0€ auf die Karte mit der Endung 4242.');
  });

  it('names the reason, the tracking number and the refund in English', () => {
    expect(renderer.render('OrderFailed', 'en', { name: 'A', orderId, failureReason: 'OutOfStock' }).text).toContain(
      'because an item is out of stock',
    );
    expect(renderer.render('OrderShipped', 'en', { name: 'A', orderId, trackingNumber: 'TRK-1' }).html).toContain(
      'Tracking number: <strong>TRK-1</strong>',
    );
    expect(
      renderer.render('OrderCancelled', 'en', { name: 'A', orderId, refund: { amount: 1999, currency: 'USD' } }).text,
    ).toContain('We refund $19.99 to your card.');
    expect(renderer.render('OrderCancelled', 'en', { name: 'A', orderId }).text).toContain('Nothing was charged');
  });

  it('formats money in minor units of each currency', () => {
    expect(formatMoney({ amount: 1999, currency: 'EUR' }, 'en')).toBe('€19.99');
    expect(formatMoney({ amount: 1999, currency: 'JPY' }, 'en')).toBe('¥1,999');
  });
});
