import { eventContracts, eventFlows, newEvent, StockChanged, type Topic, topics } from '../src';

describe('the event contracts', () => {
  it('give every topic of the platform a schema, filed under its own topic', () => {
    const everyTopic = Object.values(topics).sort();
    expect(Object.keys(eventContracts).sort()).toEqual(everyTopic);
    expect(Object.keys(eventFlows).sort()).toEqual(everyTopic);
    for (const [topic, contract] of Object.entries(eventContracts)) expect(contract.topic).toBe(topic as Topic);
  });

  it('build envelopes typed by their topic, with a fresh id and the instant given', () => {
    const at = new Date('2030-01-01T12:00:00.000Z');
    const data = {
      productId: crypto.randomUUID(),
      onHand: 3,
      reserved: 1,
      available: 2,
      version: 1,
      at: at.toISOString(),
    };
    const first = newEvent(StockChanged, data, at);
    const second = newEvent(StockChanged, data, at);
    expect(first).toEqual({
      topic: 'inventory.stock-changed',
      envelope: { id: expect.any(String), type: 'inventory.stock-changed', occurredAt: at.toISOString(), data },
    });
    expect(first.envelope.id).not.toBe(second.envelope.id);
    expect(StockChanged.schema.validate(data, { convert: false }).error).toBeUndefined();
  });

  it('decide stock-changed versions once: they start at 1', () => {
    const levels = {
      productId: crypto.randomUUID(),
      onHand: 0,
      reserved: 0,
      available: 0,
      at: new Date().toISOString(),
    };
    expect(StockChanged.schema.validate({ ...levels, version: 0 }).error?.message).toMatch(/version/);
    expect(StockChanged.schema.validate({ ...levels, version: 1 }).error).toBeUndefined();
  });
});
