import { createLogger } from '@shop/kit';
import { eventually } from '@shop/testkit/src/eventually';
import { ReservationSweeper, type SweepPass } from '../../src/infrastructure/reservation-sweeper';

const log = createLogger({ name: 'sweeper-test', level: 'fatal' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the reservation sweeper', () => {
  it('sweeps at once, runs full passes back to back, then sweeps every interval until stopped', async () => {
    const passes: SweepPass[] = [
      { expired: 2, more: true },
      { expired: 1, more: false },
    ];
    const calledAt: number[] = [];
    const sweeper = new ReservationSweeper(
      async () => {
        calledAt.push(Date.now());
        return passes.shift() ?? { expired: 0, more: false };
      },
      { intervalMs: 150, log },
    );
    const startedAt = Date.now();
    sweeper.start();
    await eventually(() => expect(calledAt.length).toBeGreaterThanOrEqual(3));
    await sweeper.stop();
    // The full first pass is followed at once by the second; the third waits for the interval.
    expect(calledAt[1]! - startedAt).toBeLessThan(150);
    expect(calledAt[2]! - calledAt[1]!).toBeGreaterThanOrEqual(140);
    const stoppedWith = calledAt.length;
    await sleep(300);
    expect(calledAt.length).toBe(stoppedWith);
  });

  it('keeps sweeping after a failed pass', async () => {
    let calls = 0;
    const sweeper = new ReservationSweeper(
      async () => {
        calls++;
        if (calls === 1) throw new Error('database restarting');
        return { expired: 0, more: false };
      },
      { intervalMs: 10, log },
    );
    sweeper.start();
    await eventually(() => expect(calls).toBeGreaterThan(1));
    await sweeper.stop();
  });

  it('waits for the pass in flight when stopped', async () => {
    let finished = false;
    const sweeper = new ReservationSweeper(
      async () => {
        await sleep(50);
        finished = true;
        return { expired: 0, more: false };
      },
      { intervalMs: 1_000, log },
    );
    sweeper.start();
    await sleep(10);
    await sweeper.stop();
    expect(finished).toBe(true);
  });
});
