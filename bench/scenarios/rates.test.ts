import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpuMicrosOfStat, parentPidOf, processCpuMicros, processTreeCpuMicros } from './rates';

const tickMicros = 10_000;

describe('CPU accounting from /proc', () => {
  it('reads user, system and reaped-children time even when the command name holds ") " and spaces', () => {
    // Fields 3 to 17 of proc_pid_stat(5): state, ppid … minflt … utime 250, stime 40, cutime 7, cstime 3.
    const stat = '4242 (tsx (worker) 2) R 17 4242 17 0 -1 4194304 1200 0 0 0 250 40 7 3 20 0 11 0 900 1000 200';
    expect(cpuMicrosOfStat(stat)).toBe((250 + 40 + 7 + 3) * tickMicros);
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => cpuMicrosOfStat('not a stat line')).toThrow(/not a \/proc\/<pid>\/stat line/);
  });

  it("agrees with the process's own account of its CPU", () => {
    const burnUntil = process.cpuUsage().user + 100_000;
    while (process.cpuUsage().user < burnUntil) Math.sqrt(Math.random());
    const own = process.cpuUsage();
    const fromProc = processCpuMicros(process.pid);
    // /proc counts whole clock ticks; the two reads are a moment apart.
    expect(Math.abs(fromProc - (own.user + own.system))).toBeLessThan(3 * tickMicros);
  });

  it('adds the CPU of a live child to its parent tree', async () => {
    const burnMicros = 200_000;
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const end = ${burnMicros}; while (process.cpuUsage().user < end) Math.sqrt(Math.random());` +
          "console.log('burnt'); setInterval(() => {}, 1000);",
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(child.stdout!, 'data');
      const pid = child.pid!;
      expect(parentPidOf(pid)).toBe(process.pid);
      expect(processCpuMicros(pid)).toBeGreaterThanOrEqual(burnMicros - tickMicros);
      expect(processTreeCpuMicros(process.pid) - processCpuMicros(process.pid)).toBeGreaterThanOrEqual(
        processCpuMicros(pid),
      );
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
});
