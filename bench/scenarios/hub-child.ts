// The parent side of the hub benchmark's command channel (the child side is bench/servers/ipc-commands.ts):
// servers and load generators run as forked Node processes, each with its own 20,000 open files, and answer
// commands over the IPC channel.
import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  request<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

interface Answer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const startTimeoutMs = 60_000;
const children = new Set<ChildProcess>();
// A benchmark that dies must not leave servers and load generators behind holding ports.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Forks `script` (TypeScript, through tsx) and resolves once it answers that it is ready. */
export async function forkChild(
  name: string,
  script: string,
  options: { env?: NodeJS.ProcessEnv; logDir: string; startTimeoutMs?: number },
): Promise<BenchChild> {
  mkdirSync(options.logDir, { recursive: true });
  const log = createWriteStream(join(options.logDir, `${name}.log`), { flags: 'a' });
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const waiter of pending.values()) {
        waiter.reject(new Error(`${name} exited (code ${code}, signal ${signal}); see ${options.logDir}/${name}.log`));
      }
      pending.clear();
      children.delete(child);
      log.end();
      resolve();
    }),
  );
  child.on('message', (answer: Answer) => {
    const waiter = pending.get(answer.id);
    if (!waiter) return;
    pending.delete(answer.id);
    if (answer.ok) waiter.resolve(answer.result);
    else waiter.reject(new Error(`${name}: ${answer.error}`));
  });
  children.add(child);

  const expect = (id: number, timeoutMs: number, what: string) =>
    new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name} did not answer ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });

  await expect(0, options.startTimeoutMs ?? startTimeoutMs, 'that it is ready');
  return {
    name,
    pid: child.pid as number,
    request<T>(command: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
      const id = nextId++;
      const answer = expect(id, timeoutMs, command);
      child.send({ id, command, args });
      return answer as Promise<T>;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
