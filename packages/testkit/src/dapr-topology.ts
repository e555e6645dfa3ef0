import { join, resolve } from 'node:path';
import { type DaprRunDir, prepareDaprRunDir } from './dapr-run-dir';
import { type RunningDaprd, startSidecar } from './daprd';
import { freePort, waitForPort } from './free-port';
import { type ManagedProcess, spawnManaged } from './managed-process';
import { type PostgresServer, startPostgres } from './postgres';
import { type RunningRedis, startRedis } from './redis';

const repoRoot = resolve(__dirname, '../../..');

/** A service as the topology needs to know it: its app id and the public paths the gateway sends it. */
export interface TopologyService {
  name: string;
  publicPaths: string[];
  /** Paths whose requests stay open (long polls, event streams): the gateway never cuts them as idle. */
  streamingPaths?: string[];
}

export interface DaprTopologyOptions {
  services: TopologyService[];
  /** Where the run dir (logs, name resolution, resources) goes; the OS temp dir otherwise. */
  parentDir?: string;
  /** The identity service's JWKS as the services reach it (through the gateway, whose port is known first). */
  jwksUrl: string;
  /** Extra environment for every service process. */
  env?: NodeJS.ProcessEnv;
  /** Told when each service is up (a developer's `start:dapr` logs it). */
  onServiceUp?(member: { name: string; appPort: number; sidecarPort: number }): void;
  /** Leave the run dir (logs included) behind after stop(), for a look at what happened. */
  keepRunDir?: boolean;
  /** Keep Redis's append-only file (a developer's `start:dapr`); tests do without. */
  redisAppendOnly?: boolean;
}

/** One service process beside its own sidecar; either can be killed and the process started again. */
export interface TopologyMember {
  name: string;
  appPort: number;
  databaseUrl: string;
  sidecar: RunningDaprd;
  readonly process: ManagedProcess;
  /** SIGKILL, as a crash: no shutdown hook runs. */
  kill(): Promise<void>;
  /** Starts the service process again on the same port and database, beside the same sidecar. */
  restart(): Promise<void>;
}

export interface DaprTopology {
  run: DaprRunDir;
  redis: RunningRedis;
  postgres: PostgresServer;
  members: Map<string, TopologyMember>;
  member(name: string): TopologyMember;
  /** Gateway routes: each service's base URL and the prefixes it owns. */
  routes: Array<{ service: string; target: string; prefixes: string[]; streamingPaths: string[] }>;
  stop(): Promise<void>;
}

/**
 * The Dapr topology on one machine: real Redis and PostgreSQL processes, then each service as its own
 * process (TypeScript through tsx) with its own daprd, started in order. What `npm run start:dapr` runs,
 * and what the fault tests kill and restart.
 */
export async function startDaprTopology(options: DaprTopologyOptions): Promise<DaprTopology> {
  const run = prepareDaprRunDir({ parentDir: options.parentDir });
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => {});
    stoppers.length = 0;
    if (!options.keepRunDir) run.remove();
  };
  try {
    const redis = await startRedis({ logDir: run.logDir, appendOnly: options.redisAppendOnly ?? false });
    stoppers.push(() => redis.stop());
    const postgres = await startPostgres({ logDir: run.logDir });
    stoppers.push(() => postgres.stop());

    const members = new Map<string, TopologyMember>();
    for (const service of options.services) {
      const appPort = await freePort();
      const databaseUrl = await postgres.createDatabase(service.name.replace(/-/g, '_'));
      // The sidecar's API is up before its app is: it waits for the app port, then asks /dapr/subscribe.
      const sidecar = await startSidecar(run, redis.url, service.name, appPort);
      stoppers.push(() => sidecar.stop());
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...options.env,
        APP_PORT: String(appPort),
        DAPR_HTTP_PORT: String(sidecar.httpPort),
        DATABASE_URL: databaseUrl,
        JWKS_URL: options.jwksUrl,
        // The gateway appends the client's address to X-Forwarded-For.
        TRUSTED_PROXY_HOPS: '1',
        // The hub's replicas share sends through the same Redis (its backplane).
        HUB_REDIS_HOST: redis.url,
      };
      const spawnService = () =>
        // Node itself with tsx's loader, not the tsx CLI: a SIGKILL must reach the service, not a wrapper
        // process that dies and leaves the service running.
        spawnManaged(service.name, process.execPath, {
          args: ['--import', 'tsx', join(repoRoot, 'services', service.name, 'src', 'main.ts')],
          cwd: repoRoot,
          logDir: run.logDir,
          env,
        });
      let current = spawnService();
      // Stopped before its sidecar, as in a pod: the app drains while daprd still carries its calls.
      stoppers.push(() => current.stop());
      await waitForPort(appPort, 60_000);
      options.onServiceUp?.({ name: service.name, appPort, sidecarPort: sidecar.httpPort });
      members.set(service.name, {
        name: service.name,
        appPort,
        databaseUrl,
        sidecar,
        get process() {
          return current;
        },
        kill: () => current.kill(),
        async restart() {
          await current.stop();
          current = spawnService();
          await waitForPort(appPort, 60_000);
        },
      });
    }
    return {
      run,
      redis,
      postgres,
      members,
      member(name) {
        const member = members.get(name);
        if (!member) throw new Error(`no service ${name} in this topology`);
        return member;
      },
      routes: options.services.map((service) => ({
        service: service.name,
        target: `http://127.0.0.1:${members.get(service.name)?.appPort}`,
        prefixes: service.publicPaths,
        streamingPaths: service.streamingPaths ?? [],
      })),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
