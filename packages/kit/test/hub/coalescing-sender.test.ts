import { CoalescingSender } from '../../src/hub/coalescing-sender';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the coalescing sender', () => {
  it('folds a burst of pokes into few sends, spaced by the interval, the last one after the last poke', async () => {
    let state = 0;
    const sent: Array<{ value: number; at: number }> = [];
    const sender = new CoalescingSender(
      async () => {
        sent.push({ value: state, at: Date.now() });
        await sleep(5);
      },
      { minIntervalMs: 50, onError: (error) => fail(error) },
    );
    const started = Date.now();
    for (let poke = 1; poke <= 100; poke += 1) {
      state = poke;
      sender.poke();
      await sleep(2);
    }
    const elapsed = Date.now() - started;
    await sleep(120);
    await sender.close();
    expect(sent.at(-1)?.value).toBe(100);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
    expect(sent.length).toBeGreaterThan(1);
    for (let i = 1; i < sent.length; i += 1) {
      expect((sent[i]?.at ?? 0) - (sent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(49);
    }
  });

  it('goes on after a failed send, reporting it', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const sender = new CoalescingSender(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('hub away');
      },
      { minIntervalMs: 10, onError: (error) => errors.push(error) },
    );
    sender.poke();
    await sleep(20);
    sender.poke();
    await sleep(40);
    await sender.close();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('sends nothing once closed', async () => {
    let calls = 0;
    const sender = new CoalescingSender(
      async () => {
        calls += 1;
      },
      { minIntervalMs: 10, onError: () => undefined },
    );
    sender.poke();
    await sender.close();
    sender.poke();
    await sleep(30);
    expect(calls).toBe(0);
  });
});
