import { execFile, execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { ensureBinary, initdb, pgCtl } from './system-binaries';

const run = promisify(execFile);

export interface PostgresServer {
  /** `postgres://shop:shop@127.0.0.1:PORT/shop`, the database created at start. */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database on this cluster and answers its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes the cluster's files (its log is kept in logDir). */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Where the server log is copied when the cluster stops. */
  logDir: string;
}

const user = 'shop';
const password = 'shop';
const startAttempts = 3;

/**
 * A throwaway PostgreSQL cluster: initdb in a temporary directory, pg_ctl start on a free loopback port,
 * durability off (fsync, synchronous_commit) because a test never needs it. Every file goes on stop.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const initdbPath = ensureBinary(initdb);
  const pgCtlPath = ensureBinary(pgCtl);
  // PATH may hold only symlinks to a few of the tools; createdb sits next to the real pg_ctl.
  const binDir = dirname(realpathSync(pgCtlPath));
  const asServerUser = serverUser();

  const root = mkdtempSync(join(tmpdir(), 'shop-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  const serverLog = join(root, 'server.log');
  const passwordFile = join(root, 'password');
  mkdirSync(dataDir, { mode: 0o700 });
  mkdirSync(socketDir);
  writeFileSync(passwordFile, `${password}\n`);
  if (asServerUser)
    for (const path of [root, dataDir, socketDir, passwordFile]) chownSync(path, asServerUser.uid, asServerUser.gid);

  // initdb and postgres refuse to run as root; as root we run them as the `postgres` OS user.
  const command = (binary: string, args: string[]): [string, string[]] =>
    asServerUser ? ['runuser', ['-u', asServerUser.name, '--', binary, ...args]] : [binary, args];
  const exec = async (binary: string, args: string[]) => {
    const [file, argv] = command(binary, args);
    return run(file, argv, { cwd: root, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  };

  let port = 0;
  const stopServer = (mode: 'fast' | 'immediate') => {
    const [file, argv] = command(pgCtlPath, ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30']);
    return run(file, argv, { cwd: root });
  };
  // A test process that dies must not leave a server behind on the machine.
  const onExit = () => {
    try {
      const [file, argv] = command(pgCtlPath, ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      execFileSync(file, argv, { stdio: 'ignore', cwd: root });
    } catch {}
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await exec(initdbPath, [
      '-D',
      dataDir,
      '-U',
      user,
      `--pwfile=${passwordFile}`,
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    let lastError: unknown;
    for (let attempt = 1; attempt <= startAttempts; attempt++) {
      port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${socketDir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        await exec(pgCtlPath, ['start', '-D', dataDir, '-w', '-t', '60', '-l', serverLog, '-o', serverOptions]);
        lastError = undefined;
        break;
      } catch (error) {
        lastError = error; // most likely someone took the port between freePort and start
      }
    }
    if (lastError) throw lastError;
  } catch (error) {
    keepLog(serverLog, options.logDir, 'postgres-failed');
    rmSync(root, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}`);
  }
  process.once('exit', onExit);

  const urlOf = (database: string) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name} must be a lower-case SQL identifier`);
    await run(join(binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, name], {
      env: { ...process.env, PGPASSWORD: password },
    });
    return urlOf(name);
  };

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      try {
        await stopServer('fast');
      } catch {
        await stopServer('immediate').catch(() => undefined);
      }
      keepLog(serverLog, options.logDir, `postgres-${port}`);
      rmSync(root, { recursive: true, force: true });
    })();
    return stopped;
  };

  let url: string;
  try {
    url = await createDatabase(user);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, createDatabase, stop };
}

function keepLog(serverLog: string, logDir: string, name: string): void {
  try {
    mkdirSync(logDir, { recursive: true });
    copyFileSync(serverLog, join(logDir, `${name}.log`));
  } catch {}
}

function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { name: 'postgres', uid, gid };
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no `postgres` OS user to run it as (apt-get install postgresql creates one)',
    );
  }
}
