import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { developmentHubAccessKey } from '@shop/kit/src/config/development-defaults';
import { routedPaths } from '@shop/kit/src/host/dead-letter-admin';
import { forEachAtMost } from './at-most';
import { type DaprRunDir, prepareDaprRunDir } from './dapr-run-dir';
import { type RunningDaprd, startSidecar } from './daprd';
import { freePort, waitForPort } from './free-port';
import { type ManagedProcess, spawnManaged } from './managed-process';
import { type PostgresServer, startPostgres } from './postgres';
import { type RunningRedis, startRedis } from './redis';
import { type RunningSentry, startSentry } from './sentry';
import { bundleServices, type ServiceBundles } from './service-bundles';

const repoRoot = resolve(__dirname, '../../..');

/** A service as the topology needs to know it: its app id and the public paths the gateway sends it. */
export interface TopologyService {
  name: string;
  publicPaths: string[];
  /** The manifest's database, when it has one: the gateway then routes its dead-letter admin paths too (routedPaths). */
  data?: unknown;
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
  /** Extra environment for every daprd (e.g. OTEL_EXPORTER_OTLP_ENDPOINT, to export its spans). */
  sidecarEnv?: Record<string, string>;
  /** Told when each service is up (a developer's `start:dapr` logs it). */
  onServiceUp?(member: { name: string; replica: number; appPort: number; sidecarPort: number }): void;
  /** Leave the run dir (logs included) behind after stop(), for a look at what happened. */
  keepRunDir?: boolean;
  /** Keep Redis's append-only file (a developer's `start:dapr`); tests do without. */
  redisAppendOnly?: boolean;
  /** How many services start at once (defaultStartConcurrency). */
  startConcurrency?: number;
  /**
   * Run each service from its production bundle (service-bundles.ts, built as the topology starts) rather than from
   * its sources through tsx: what the tests do, whose platforms start and restart services many times a run.
   */
  runBundles?: boolean;
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

/**
 * What runs where, written to `<run dir>/topology.json` for tools that need every port (security tests attack
 * the app ports and sidecar APIs directly). No tokens: holding the file must not open the doors.
 */
export interface TopologyDescription {
  sentry: { address: string };
  redis: string;
  members: Array<{
    appId: string;
    replica: number;
    appPort: number;
    sidecar: { httpPort: number; grpcPort: number; internalGrpcPort: number; metricsPort: number };
  }>;
}

export interface DaprTopology {
  run: DaprRunDir;
  redis: RunningRedis;
  postgres: PostgresServer;
  /** The certificate authority of the sidecars' mTLS. */
  sentry: RunningSentry;
  /** `<run dir>/topology.json`, a TopologyDescription. */
  descriptionFile: string;
  /** The first replica of each service. */
  members: Map<string, TopologyMember>;
  /** The first replica of the service. */
  member(name: string): TopologyMember;
  /** Every replica of the service, the first one first. */
  replicasOf(name: string): TopologyMember[];
  /** Gateway routes: each service's base URL (its first replica's) and the prefixes it owns. */
  routes: Array<{ service: string; target: string; prefixes: string[]; streamingPaths: string[] }>;
  /**
   * A sidecar of this topology (its mTLS, access control and scopes) under `appId`, in front of a test's own app on
   * `appPort` (a stand-in answering as that app), or with no app behind it when none is given: a test publishes or
   * invokes as that app through it. Stopped with the topology.
   */
  startSidecarFor(appId: string, appPort?: number): Promise<RunningDaprd>;
  stop(): Promise<void>;
}

/** Services started at once: enough to keep two cores busy while one waits on its sidecar or database. */
export const defaultStartConcurrency = 3;

/** The apps whose sidecars send through the hub binding (its scopes in components/hub-signalr.yaml). */
const hubSenders = ['notifications', 'analytics'];

/** The hub's Azure SignalR connection string on its first replica's app port, with the key the hub runs with. */
function hubConnectionString(hubPort: number, env: NodeJS.ProcessEnv = {}): string {
  const accessKey = env.HUB_ACCESS_KEY ?? process.env.HUB_ACCESS_KEY ?? developmentHubAccessKey;
  return `Endpoint=http://127.0.0.1:${hubPort};AccessKey=${accessKey};Version=1.0;`;
}

/**
 * The Dapr topology on one machine: real Redis and PostgreSQL processes, Dapr's Sentry, then each service as
 * its own process (TypeScript through tsx, or its bundle: runBundles) with its own daprd, a few at a time. Every door is closed as on
 * Kubernetes: each daprd and its app share fresh app and Dapr API tokens, the sidecars talk mTLS with
 * certificates from Sentry, and each sidecar's access control admits only the invocations of the mesh policy.
 * What `npm run start:dapr` runs, and what the fault tests kill and restart.
 */
export async function startDaprTopology(options: DaprTopologyOptions): Promise<DaprTopology> {
  const run = prepareDaprRunDir({ parentDir: options.parentDir, accessControl: true });
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => {});
    stoppers.length = 0;
    if (!options.keepRunDir) run.remove();
  };
  try {
    // First, so that removing them is the last thing stop() does.
    const bundles: ServiceBundles | undefined = options.runBundles
      ? await bundleServices(options.services.map((service) => service.name))
      : undefined;
    if (bundles) stoppers.push(async () => bundles.remove());
    const redis = await startRedis({ logDir: run.logDir, appendOnly: options.redisAppendOnly ?? false });
    stoppers.push(() => redis.stop());
    const postgres = await startPostgres({ logDir: run.logDir });
    stoppers.push(() => postgres.stop());
    const sentry = await startSentry({ dir: join(run.path, 'sentry'), logDir: run.logDir });
    stoppers.push(() => sentry.stop());
    // Every app port is chosen first, so that a sidecar can be told where a service started after it listens: the
    // hub binding of the notifications and analytics sidecars (components/hub-signalr.yaml) needs the hub's address.
    const appPortsOf = new Map<string, number[]>();
    for (const service of options.services) {
      const ports: number[] = [];
      for (let replica = 0; replica < (service.replicas ?? 1); replica++) ports.push(await freePort());
      appPortsOf.set(service.name, ports);
    }
    const sidecarEnvOf = (appId: string): Record<string, string> => ({
      ...options.sidecarEnv,
      ...(hubSenders.includes(appId) && appPortsOf.has('hub')
        ? { SHOP_SECRET_HUB_CONNECTION_STRING: hubConnectionString(appPortsOf.get('hub')?.[0] as number, options.env) }
        : {}),
    });
    const sidecarFor = async (appId: string, appPort: number) => {
      const sidecar = await startSidecar(run, redis.url, appId, appPort, {
        mtls: sentry.mtls,
        env: sidecarEnvOf(appId),
      });
      stoppers.push(() => sidecar.stop());
      return sidecar;
    };

    const startMember = async (service: TopologyService, replica: number, databaseUrl: string) => {
      const appPort = appPortsOf.get(service.name)?.[replica] as number;
      // The sidecar's API is up before its app is: it waits for the app port, then asks /dapr/subscribe.
      const sidecar = await sidecarFor(service.name, appPort);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...options.env,
        APP_PORT: String(appPort),
        ...sidecar.appEnv,
        DATABASE_URL: databaseUrl,
        JWKS_URL: options.jwksUrl,
        // The gateway appends the client's address to X-Forwarded-For.
        TRUSTED_PROXY_HOPS: '1',
        // The hub's replicas share sends through the same Redis (its backplane).
        HUB_REDIS_HOST: redis.url,
      };
      const processName = replica === 0 ? service.name : `${service.name}-${replica + 1}`;
      const spawnService = () =>
        // Node itself (with tsx's loader for the sources), not the tsx CLI: a SIGKILL must reach the service, not a
        // wrapper process that dies and leaves the service running.
        spawnManaged(processName, process.execPath, {
          args: bundles?.argsOf(service.name) ?? [
            '--import',
            'tsx',
            join(repoRoot, 'services', service.name, 'src', 'main.ts'),
          ],
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

    for (const service of options.services) {
      const count = service.replicas ?? 1;
      if (!Number.isInteger(count) || count < 1) {
        throw new Error(`service ${service.name}: replicas must be a whole number ≥ 1, not ${count}`);
      }
    }
    // Services start side by side, a few at a time: each start is mostly one Node process loading its code, so
    // one after the other leaves the machine's other cores idle. None needs another up to start (every app port
    // is known beforehand, and a sidecar waits for its app), and a failed start still names its service.
    const startedSets = await forEachAtMost(
      options.services,
      options.startConcurrency ?? defaultStartConcurrency,
      async (service) => {
        // The replicas share one database, as the pods of a deployment do.
        const databaseUrl = await postgres.createDatabase(service.name.replace(/-/g, '_'));
        const replicas: TopologyMember[] = [];
        // One after the other, so a failing start names its replica (the migrations' lock makes a race harmless).
        for (let replica = 0; replica < (service.replicas ?? 1); replica++) {
          replicas.push(await startMember(service, replica, databaseUrl));
        }
        return replicas;
      },
    );
    const replicaSets = new Map(
      options.services.map((service, i) => [service.name, startedSets[i] as TopologyMember[]]),
    );
    const members = new Map([...replicaSets].map(([name, replicas]) => [name, replicas[0] as TopologyMember]));
    const replicasOf = (name: string) => {
      const replicas = replicaSets.get(name);
      if (!replicas) throw new Error(`no service ${name} in this topology`);
      return replicas;
    };
    const description: TopologyDescription = {
      sentry: { address: sentry.address },
      redis: redis.url,
      members: [...replicaSets.values()].flat().map((member) => ({
        appId: member.name,
        replica: member.replica,
        appPort: member.appPort,
        sidecar: {
          httpPort: member.sidecar.httpPort,
          grpcPort: member.sidecar.grpcPort,
          internalGrpcPort: member.sidecar.internalGrpcPort,
          metricsPort: member.sidecar.metricsPort,
        },
      })),
    };
    const descriptionFile = join(run.path, 'topology.json');
    writeFileSync(descriptionFile, `${JSON.stringify(description, null, 2)}\n`);
    return {
      run,
      redis,
      postgres,
      sentry,
      descriptionFile,
      members,
      member: (name) => replicasOf(name)[0] as TopologyMember,
      replicasOf: (name) => [...replicasOf(name)],
      routes: options.services.map((service) => ({
        service: service.name,
        target: `http://127.0.0.1:${members.get(service.name)?.appPort}`,
        prefixes: routedPaths(service),
        streamingPaths: service.streamingPaths ?? [],
      })),
      // The app port is one nothing listens on: daprd serves its API meanwhile and keeps waiting for the app.
      startSidecarFor: async (appId, appPort) => sidecarFor(appId, appPort ?? (await freePort())),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
