import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port';
import { type ManagedProcess, spawnManaged } from './managed-process';
import { ensureBinary, redisServer } from './system-binaries';

export interface RedisOptions {
  /** Where redis-server's log goes. */
  logDir: string;
  /** Keep an append-only file in the data directory (off by default: tests start from nothing). */
  appendOnly?: boolean;
  /** Names the log file; defaults to `redis`. */
  name?: string;
}

export interface RunningRedis {
  port: number;
  /** `127.0.0.1:PORT`, the form Dapr's redisHost and REDIS_HOST take. */
  url: string;
  /** The temporary working directory (removed by stop()). */
  dataDir: string;
  /** The redis-server running now (a new one after restart()). */
  readonly process: ManagedProcess;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: what reached the append-only file survives (everything acknowledged). */
  kill(): Promise<void>;
  /**
   * Starts redis-server again on the same port and data directory, after kill(); with `appendOnly` it loads
   * what the killed one had (streams, consumer groups and their pending entries), as a restarted pod on its volume.
   */
  restart(): Promise<void>;
}

const startAttempts = 3;
const startTimeoutMs = 10_000;

/** A real redis-server on a free loopback port, in a temporary directory, with no persistence unless asked. */
export async function startRedis(options: RedisOptions): Promise<RunningRedis> {
  const binary = ensureBinary(redisServer);
  const name = options.name ?? 'redis';
  const dataDir = mkdtempSync(join(tmpdir(), `shop-${name}-`));
  let lastError: Error | undefined;
  const spawnOn = (port: number) =>
    spawnManaged(`${name}-${port}`, binary, {
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dataDir,
        '--save',
        '',
        '--appendonly',
        options.appendOnly ? 'yes' : 'no',
        '--daemonize',
        'no',
      ],
      logDir: options.logDir,
      cwd: dataDir,
    });
  const listening = (child: ManagedProcess, port: number) =>
    Promise.race([
      waitForPort(port, startTimeoutMs),
      child.exited.then((code) => {
        throw new Error(`redis-server exited with code ${code} before listening:\n${child.tail()}`);
      }),
    ]);
  // freePort() only says the port was free a moment ago; another process may take it before redis binds.
  for (let attempt = 1; attempt <= startAttempts; attempt++) {
    const port = await freePort();
    let child = spawnOn(port);
    try {
      await listening(child, port);
      return {
        port,
        url: `127.0.0.1:${port}`,
        dataDir,
        get process() {
          return child;
        },
        async stop() {
          await child.stop();
          rmSync(dataDir, { recursive: true, force: true });
        },
        kill: () => child.kill(),
        async restart() {
          await child.stop();
          child = spawnOn(port);
          await listening(child, port);
        },
      };
    } catch (error) {
      lastError = error as Error;
      await child.kill();
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  throw new Error(`redis-server did not start after ${startAttempts} attempts: ${lastError?.message}`);
}
