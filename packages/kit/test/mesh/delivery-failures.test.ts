import { clearDeliveryFailure, recordDeliveryFailure, takeDeliveryFailure } from '../../src/mesh/delivery-failures';

describe("what a process remembers of an event's failed deliveries", () => {
  it('counts the failures of one event to one subscriber and keeps the last reason, until the dead letter takes it', () => {
    recordDeliveryFailure('orders', 'payments.payment-captured', 'e-1', new TypeError('no such order'));
    recordDeliveryFailure('orders', 'payments.payment-captured', 'e-1', 'the handler asked for redelivery');
    recordDeliveryFailure('inventory', 'payments.payment-captured', 'e-1', new Error('other subscriber'));
    expect(takeDeliveryFailure('orders', 'payments.payment-captured', 'e-1')).toEqual({
      error: 'the handler asked for redelivery',
      attempts: 2,
    });
    expect(takeDeliveryFailure('orders', 'payments.payment-captured', 'e-1')).toBeUndefined();
    expect(takeDeliveryFailure('inventory', 'payments.payment-captured', 'e-1')).toEqual({
      error: 'Error: other subscriber',
      attempts: 1,
    });
  });

  it('forgets an event whose delivery succeeded after all', () => {
    recordDeliveryFailure('orders', 'inventory.stock-reserved', 'e-2', new Error('database busy'));
    clearDeliveryFailure('orders', 'inventory.stock-reserved', 'e-2');
    expect(takeDeliveryFailure('orders', 'inventory.stock-reserved', 'e-2')).toBeUndefined();
  });

  it('stays bounded however many events fail, forgetting the oldest first', () => {
    for (let i = 0; i < 10_001; i++) recordDeliveryFailure('flood', 't', `e-${i}`, 'down');
    expect(takeDeliveryFailure('flood', 't', 'e-0')).toBeUndefined();
    expect(takeDeliveryFailure('flood', 't', 'e-10000')).toEqual({ error: 'down', attempts: 1 });
  });
});
