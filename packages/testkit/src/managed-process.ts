import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Where stdout and stderr go, for the failure message of a test. */
  readonly logFile: string;
  /** Ends the process with SIGTERM (SIGKILL after graceMs) and waits for it to exit. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as a crash would: no clean-up runs. */
  kill(): Promise<void>;
  /** The last lines the process printed. */
  tail(lines?: number): string;
  readonly exited: Promise<number | null>;
}

export interface SpawnOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logDir: string;
}

/** Starts a long-running process whose output goes to a log file, and that is always reaped. */
export function spawnManaged(name: string, command: string, options: SpawnOptions): ManagedProcess {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, options.args ?? [], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end(`\n[${name} exited: code ${code} signal ${signal}]\n`);
      resolve(code);
    });
    child.once('error', (error) => {
      log.end(`\n[${name} failed to start: ${error.message}]\n`);
      resolve(null);
    });
  });
  running.add(child);
  void exited.then(() => running.delete(child));

  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    logFile,
    exited,
    async stop(graceMs = 10_000) {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!isRunning()) return;
      child.kill('SIGKILL');
      await exited;
    },
    tail(lines = 40) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}

const running = new Set<ChildProcess>();
// A test process that dies must not leave servers behind on the machine.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
