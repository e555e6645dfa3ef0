import { cpuPerUnit, describeCpuPerUnit, mergeCpu, nameOfProcess, processTreeCpu } from './process-cpu';

describe('CPU per unit of work by process', () => {
  it('names a process by what it runs', () => {
    const repo = '/work/shop';
    expect(nameOfProcess(['/usr/bin/node', '--import', 'tsx', `${repo}/services/orders/src/main.ts`], 'node')).toBe(
      'orders',
    );
    expect(nameOfProcess(['node', `${repo}/dist/payments/main.js`], 'node')).toBe('payments');
    expect(
      nameOfProcess(['node', `${repo}/node_modules/tsx/dist/cli.mjs`, `${repo}/services/edge/src/main.ts`], 'node'),
    ).toBe('tsx wrapper');
    expect(nameOfProcess(['/cache/daprd', '--app-id', 'inventory', '--app-port', '3001'], 'daprd')).toBe(
      'daprd inventory',
    );
    expect(nameOfProcess(['postgres: shop orders 127.0.0.1(41234) idle'], 'postgres')).toBe('postgres');
    expect(nameOfProcess(['/usr/lib/postgresql/15/bin/postgres', '-D', '/tmp/pg'], 'postgres')).toBe('postgres');
    expect(nameOfProcess(['/usr/bin/redis-server 127.0.0.1:6379'], 'redis-server')).toBe('redis-server');
    expect(nameOfProcess(['node', `${repo}/bench/servers/bare-koa.ts`], 'node')).toBe('node servers/bare-koa.ts');
  });

  it('divides what each part spent between two readings by the work done, the largest first in words', () => {
    const before = new Map([
      ['orders', 1_000],
      ['daprd orders', 500],
    ]);
    const after = mergeCpu(
      new Map([
        ['orders', 21_000],
        ['daprd orders', 4_500],
      ]),
      new Map([['load generator', 2_000]]),
    );
    const perUnit = cpuPerUnit(before, after, 10);
    expect([...perUnit]).toEqual([
      ['orders', 2_000],
      ['daprd orders', 400],
      ['load generator', 200],
    ]);
    expect(describeCpuPerUnit(perUnit, 'order')).toBe(
      'CPU 2.60 ms/order: orders 2.00, daprd orders 0.40, load generator 0.20',
    );
  });

  it('finds the processes under a root with the CPU they used: this process within its parent tree', () => {
    const own = process.cpuUsage();
    const tree = processTreeCpu(process.ppid);
    const total = [...tree.values()].reduce((sum, micros) => sum + micros, 0);
    // /proc counts whole clock ticks: allow one below what this process alone reports.
    expect(total).toBeGreaterThanOrEqual(own.user + own.system - 10_000);
    expect(processTreeCpu(2 ** 22 + 1).size).toBe(0);
  });
});
