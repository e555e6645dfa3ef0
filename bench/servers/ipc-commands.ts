// The child side of the benchmark's command channel: the parent (bench/scenarios/hub-child.ts) sends
// `{id, command, args}` over the IPC channel of fork(); each command's answer or failure goes back with its id.

export type CommandHandlers = Record<string, (args: Record<string, unknown>) => unknown | Promise<unknown>>;

interface CommandRequest {
  id: number;
  command: string;
  args: Record<string, unknown>;
}

export function answerCommands(handlers: CommandHandlers): void {
  if (!process.send) throw new Error('this script runs as a forked child of bench/run.ts (it needs an IPC channel)');
  process.on('message', (message: CommandRequest) => {
    const handler = handlers[message.command];
    const run = handler
      ? Promise.resolve().then(() => handler(message.args))
      : Promise.reject(new Error(`unknown command ${message.command}`));
    run.then(
      (result) => process.send?.({ id: message.id, ok: true, result }),
      (error: unknown) =>
        process.send?.({ id: message.id, ok: false, error: String((error as Error)?.stack ?? error) }),
    );
  });
  // The parent going away (a crashed or interrupted benchmark) must not leave this process holding ports.
  process.on('disconnect', () => process.exit(0));
  process.send({ id: 0, ok: true, result: 'ready' });
}

/** What a benchmark process costs: memory, CPU time so far, and open files (sockets included). */
export async function processStats() {
  const { readdir } = await import('node:fs/promises');
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuMicros: cpu.user + cpu.system,
    openFiles: (await readdir('/proc/self/fd')).length,
  };
}

export type ProcessStats = Awaited<ReturnType<typeof processStats>>;
