import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  cpuPerUnit,
  describeCpuPerUnit,
  describeTopologyCpu,
  mergeCpu,
  nameOfProcess,
  processTreeCpu,
} from './process-cpu';

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

  it('counts a PostgreSQL server outside the tree, with its backends, when told its port', async () => {
    // A real process that looks like a postmaster on port 54999 (argv[0] …/postgres, `-p 54999`) with a child, as a
    // backend; each burns 300 ms of CPU, then the postmaster says so. Neither is under the root read here.
    const burn = 'while (process.cpuUsage().user < 300000);';
    const backend = `${burn} process.stdout.write('ready'); setTimeout(() => {}, 20000)`;
    const parentScript =
      `const child = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(backend)}]);` +
      `child.stdout.once('data', () => { ${burn} process.stdout.write('ready'); }); setTimeout(() => {}, 20000)`;
    const postmaster = spawn(process.execPath, ['-e', parentScript, '--', '-p', '54999'], {
      argv0: '/usr/lib/postgresql/16/bin/postgres',
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group, so the backend ends with it.
      detached: true,
    });
    try {
      await once(postmaster.stdout, 'data');
      const absentRoot = 2 ** 22 + 1;
      const withServer = processTreeCpu(absentRoot, { postgresPort: 54999 });
      const without = processTreeCpu(absentRoot, { postgresPort: 54998 });
      // Both processes burned 300 ms of user time each; /proc counts in clock ticks.
      expect(withServer.get('postgres')).toBeGreaterThanOrEqual(580_000);
      expect(without.get('postgres')).toBeUndefined();
    } finally {
      const exited = once(postmaster, 'exit');
      process.kill(-(postmaster.pid as number), 'SIGKILL');
      await exited;
    }
  });

  it('sums a topology per order into its services, its sidecars and PostgreSQL, then each process', () => {
    const perOrder = new Map([
      ['orders', 3_000],
      ['daprd orders', 1_000],
      ['payments', 2_000],
      ['daprd payments', 500],
      ['postgres', 1_500],
      ['redis-server', 250],
      ['node tools/start-dapr.ts', 250],
    ]);
    const lines = describeTopologyCpu(perOrder, 'completed order').split('\n');
    expect(lines[0]).toBe(
      '  CPU per completed order: 8.50 ms in all; services 5.00 ms, daprds 1.50 ms, postgres 1.50 ms',
    );
    expect(lines.slice(1).map((line) => line.trim().split(/ {2,}/)[0])).toEqual([
      'orders',
      'payments',
      'postgres',
      'daprd orders',
      'daprd payments',
      'redis-server',
      'node tools/start-dapr.ts',
    ]);
  });
});
