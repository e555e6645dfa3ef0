import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parentPidOf, parseProcStat, processCpuMicros, processTreeCpuMicros } from './proc-stat';

const tickMicros = 10_000;

describe('CPU accounting from /proc', () => {
  it('reads user, system and reaped-children time even when the command name holds ") " and spaces', () => {
    // Fields 3 to 17 of proc_pid_stat(5): state, ppid … minflt … utime 250, stime 40, cutime 7, cstime 3.
    const stat = '4242 (tsx (worker) 2) R 17 4242 17 0 -1 4194304 1200 0 0 0 250 40 7 3 20 0 11 0 900 1000 200';
    expect(parseProcStat(stat)).toEqual({
      command: 'tsx (worker) 2',
      parent: 17,
      ownCpuMicros: (250 + 40) * tickMicros,
      cpuMicros: (250 + 40 + 7 + 3) * tickMicros,
    });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseProcStat('not a stat line')).toThrow(/not a \/proc\/<pid>\/stat line/);
  });

  it("agrees with the process's own account of the CPU it spends", () => {
    // Differences over a busy spell: the totals also hold the time of children reaped before (other tests').
    const [ownBefore, procBefore] = [process.cpuUsage(), processCpuMicros(process.pid)];
    const burnUntil = ownBefore.user + 200_000;
    while (process.cpuUsage().user < burnUntil) Math.sqrt(Math.random());
    const own = process.cpuUsage(ownBefore);
    const fromProc = processCpuMicros(process.pid) - procBefore;
    // /proc counts whole clock ticks and may sample them; the reads are a moment apart.
    const spent = own.user + own.system;
    expect(Math.abs(fromProc - spent)).toBeLessThan(Math.max(3 * tickMicros, spent * 0.1));
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
      expect(processCpuMicros(pid)).toBeGreaterThanOrEqual(burnMicros - 3 * tickMicros);
      // At least the child's (other children may live too); read a moment apart while this process runs.
      const childMicros = processCpuMicros(pid);
      const treeBeyondParent = processTreeCpuMicros(process.pid) - processCpuMicros(process.pid);
      expect(treeBeyondParent).toBeGreaterThanOrEqual(childMicros - 3 * tickMicros);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    // A child that must get 200 ms of CPU on two cores shared with a whole test run may wait long for them.
  }, 120_000);
});
