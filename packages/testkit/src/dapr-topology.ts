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
  /**
   * How many processes run the service (1 by default), each beside its own daprd under the same app id, as the
   * replicas of a Kubernetes deployment: Dapr hands each event to one of them and resolves invocations to any.
   */
  replicas?: number;
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
  onServiceUp?(member: { name: string; replica: number; appPort: number; sidecarPort: number }): void;
  /** Leave the run dir (logs included) behind after stop(), for a look at what happened. */
  keepRunDir?: boolean;
  /** Keep Redis's append-only file (a developer's `start:dapr`); tests do without. */
  redisAppendOnly?: boolean;
}

/** One service process beside its own sidecar; either can be killed and the process started again. */
export interface TopologyMember {
  name: string;
  /** Which of the service's replicas this is, from 0. */
  replica: number;
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
  /** The first replica of each service. */
  members: Map<string, TopologyMember>;
  /** The first replica of the service. */
  member(name: string): TopologyMember;
  /** Every replica of the service, the first one first. */
  replicasOf(name: string): TopologyMember[];
  /** Gateway routes: each service's base URL (its first replica's) and the prefixes it owns. */
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

    const startMember = async (service: TopologyService, replica: number, databaseUrl: string) => {
      const appPort = await freePort();
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
      const processName = replica === 0 ? service.name : `${service.name}-${replica + 1}`;
      const spawnService = () =>
        // Node itself with tsx's loader, not the tsx CLI: a SIGKILL must reach the service, not a wrapper
        // process that dies and leaves the service running.
        spawnManaged(processName, process.execPath, {
          args: ['--import', 'tsx', join(repoRoot, 'services', service.name, 'src', 'main.ts')],
          cwd: repoRoot,
          logDir: run.logDir,
          env,
        });
      let current = spawnService();
      // Stopped before its sidecar, as in a pod: the app drains while daprd still carries its calls.
      stoppers.push(() => current.stop());
      await waitForPort(appPort, 60_000);
      options.onServiceUp?.({ name: service.name, replica, appPort, sidecarPort: sidecar.httpPort });
      const member: TopologyMember = {
        name: service.name,
        replica,
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
      };
      return member;
    };

    const replicaSets = new Map<string, TopologyMember[]>();
    for (const service of options.services) {
      const count = service.replicas ?? 1;
      if (!Number.isInteger(count) || count < 1) {
        throw new Error(`service ${service.name}: replicas must be a whole number ≥ 1, not ${count}`);
      }
      // The replicas share one database, as the pods of a deployment do.
      const databaseUrl = await postgres.createDatabase(service.name.replace(/-/g, '_'));
      const replicas: TopologyMember[] = [];
      // One after the other, so that only the first replica runs the service's migrations on an empty database.
      for (let replica = 0; replica < count; replica++) {
        replicas.push(await startMember(service, replica, databaseUrl));
      }
      replicaSets.set(service.name, replicas);
    }
    const members = new Map([...replicaSets].map(([name, replicas]) => [name, replicas[0] as TopologyMember]));
    const replicasOf = (name: string) => {
      const replicas = replicaSets.get(name);
      if (!replicas) throw new Error(`no service ${name} in this topology`);
      return replicas;
    };
    return {
      run,
      redis,
      postgres,
      members,
      member: (name) => replicasOf(name)[0] as TopologyMember,
      replicasOf: (name) => [...replicasOf(name)],
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
