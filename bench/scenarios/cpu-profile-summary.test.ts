import { areaOf, type CpuProfile, summariseProfile, windowOfWallClock } from './cpu-profile-summary';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

// root → handler (services/fraud) → find (typeorm) → query (typeorm); root → (idle); root → relay (kit/data) → query
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6] },
    {
      id: 2,
      callFrame: frame('assessOrder', 'file:///repo/services/fraud/src/application/assess-order.ts'),
      children: [3],
    },
    {
      id: 3,
      callFrame: frame('find', 'file:///repo/node_modules/typeorm/entity-manager/EntityManager.js'),
      children: [4],
    },
    { id: 4, callFrame: frame('query', 'file:///repo/node_modules/typeorm/driver/Runner.js') },
    { id: 5, callFrame: frame('(idle)', '') },
    { id: 6, callFrame: frame('drain', 'file:///repo/packages/kit/src/data/outbox-relay.ts'), children: [7] },
    { id: 7, callFrame: frame('query', 'file:///repo/node_modules/typeorm/driver/Runner.js') },
  ],
  startTime: 0,
  endTime: 6_000,
  // One sample each 1 ms: query under fraud ×2, find ×1, idle ×1, query under the relay ×2.
  samples: [4, 4, 3, 5, 7, 7],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};

describe('CPU profile summary', () => {
  it('names the area of a script: a service, a kit folder, a package, Node itself', () => {
    expect(areaOf('file:///repo/services/orders/src/x.ts', 'f')).toBe('services/orders');
    expect(areaOf('file:///repo/packages/kit/src/mesh/embedded.ts', 'f')).toBe('kit/mesh');
    expect(areaOf('file:///repo/node_modules/@koa/router/lib/router.js', 'f')).toBe('@koa/router');
    expect(areaOf('node:internal/streams/writable', 'f')).toBe('node');
    expect(areaOf('', '(garbage collector)')).toBe('(garbage collector)');
  });

  it('gives each sample to the innermost service on its stack, else the kit folder, and leaves idle out', () => {
    const summary = summariseProfile(profile);
    expect(summary.busyMs).toBe(5);
    expect(summary.byOwner).toEqual([
      ['services/fraud', 3],
      ['kit/data', 2],
    ]);
    expect(summary.byArea).toEqual([['typeorm', 5]]);
    expect(summary.byFunction[0]).toEqual(['query node_modules/typeorm/driver/Runner.js:1', 4]);
  });

  it('keeps only the samples of a window given in wall-clock time', () => {
    // The profile (its clock 0 to 6,000 µs) ended at wall-clock 10,000 ms: 9,996.5 to 9,999.5 ms is 2,500 to 5,500 µs,
    // the samples at 3, 4 and 5 ms (find under fraud, idle, the relay's query).
    const window = windowOfWallClock(profile, 10_000, 9_996.5, 9_999.5);
    expect(window).toEqual({ fromUs: 2_500, toUs: 5_500 });
    expect(summariseProfile(profile, 30, window).byOwner).toEqual([
      ['services/fraud', 1],
      ['kit/data', 1],
    ]);
  });
});
