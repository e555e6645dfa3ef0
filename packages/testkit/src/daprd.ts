import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { freePort } from './free-port';
import { type ManagedProcess, spawnManaged } from './managed-process';

const repoRoot = resolve(__dirname, '../../..');
const resolvedBinaries = new Map<DaprBinary, string>();

export type DaprBinary = 'daprd' | 'sentry';

/**
 * The path of a daprd (or sentry) binary: $SHOP_DAPRD / $SHOP_SENTRY when set (global-setup exports them for
 * jest workers), otherwise whatever tools/build-daprd.sh prints (one on PATH or the cached build, built when
 * missing).
 */
export function resolveDaprBinary(binary: DaprBinary): string {
  const fromEnv = process.env[`SHOP_${binary.toUpperCase()}`];
  if (fromEnv) return fromEnv;
  const known = resolvedBinaries.get(binary);
  if (known) return known;
  const script = resolve(repoRoot, 'tools/build-daprd.sh');
  let output: string;
  try {
    output = execFileSync('bash', [script, binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    throw new Error(
      `could not find or build ${binary} with ${script} (${(error as Error).message}). ` +
        `Install Go >= 1.26.6 so it can build, or put a ${binary} 1.18 on PATH, or set SHOP_${binary.toUpperCase()} to its path.`,
    );
  }
  const path = output.trim().split('\n').pop();
  if (!path) throw new Error(`${script} printed no ${binary} path`);
  resolvedBinaries.set(binary, path);
  return path;
}

export const resolveDaprd = (): string => resolveDaprBinary('daprd');

/** A fresh app or Dapr API token: 32 random bytes, base64url (43 characters). */
export function newMeshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Where daprd gets its workload certificate (Sentry) and which CA it trusts, for mTLS between sidecars. */
export interface DaprdMtls {
  sentryAddress: string;
  /** PEM of Sentry's root CA (daprd reads it from env DAPR_TRUST_ANCHORS). */
  trustAnchors: string;
}

export interface DaprdOptions {
  appId: string;
  /** Where the app listens on 127.0.0.1. daprd waits (forever) until it accepts TCP before reading /dapr/subscribe. */
  appPort: number;
  resourcesPath: string;
  configPath: string;
  /** `host:port` of Redis, handed to the components as env REDIS_HOST (their `envRef`). */
  redisHost: string;
  logDir: string;
  /** Extra environment for daprd, e.g. OTEL_EXPORTER_OTLP_ENDPOINT. */
  env?: Record<string, string>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the sidecar's API. */
  readyTimeoutMs?: number;
  /** What daprd sends to the app in dapr-api-token; a fresh one by default. */
  appApiToken?: string;
  /** What daprd's API requires in dapr-api-token; a fresh one by default. */
  daprApiToken?: string;
  /** mTLS through Sentry; without it daprd talks to other sidecars in plain gRPC and access control cannot apply. */
  mtls?: DaprdMtls;
}

export interface RunningDaprd {
  appId: string;
  httpPort: number;
  grpcPort: number;
  internalGrpcPort: number;
  metricsPort: number;
  appApiToken: string;
  daprApiToken: string;
  /** What the app beside it needs to reach it and to accept its calls (runService's environment). */
  appEnv: { DAPR_HTTP_PORT: string; DAPR_API_TOKEN: string; APP_API_TOKEN: string };
  /** The daprd running now (a new one after restart()). */
  readonly process: ManagedProcess;
  /** Resolves once /v1.0/metadata lists a subscription for every topic (daprd read /dapr/subscribe). */
  waitForSubscriptions(topics: string[], timeoutMs?: number): Promise<void>;
  /** SIGTERM: graceful shutdown (deregisters from name resolution). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /**
   * Starts daprd again (after kill() or stop()) on the same ports with the same tokens, as a restarted sidecar
   * container would come back: its app keeps the address and tokens it was given. Resolves once its API answers.
   */
  restart(): Promise<void>;
}

const defaultReadyTimeoutMs = 20_000;
const pollIntervalMs = 100;

/** Starts daprd self-hosted on loopback only, with no placement or scheduler, and waits for its API. */
export async function startDaprd(options: DaprdOptions): Promise<RunningDaprd> {
  const binary = resolveDaprd();
  const [httpPort, grpcPort, internalGrpcPort, metricsPort] = await fourDistinctFreePorts(options.appPort);
  const args = [
    '--app-id',
    options.appId,
    '--app-port',
    String(options.appPort),
    '--app-protocol',
    'http',
    '--app-channel-address',
    '127.0.0.1',
    '--dapr-http-port',
    String(httpPort),
    '--dapr-grpc-port',
    String(grpcPort),
    '--dapr-internal-grpc-port',
    String(internalGrpcPort),
    '--dapr-internal-grpc-listen-address',
    '127.0.0.1',
    '--dapr-listen-addresses',
    '127.0.0.1',
    '--metrics-port',
    String(metricsPort),
    '--metrics-listen-address',
    '127.0.0.1',
    '--resources-path',
    options.resourcesPath,
    '--config',
    options.configPath,
    '--log-level',
    options.logLevel ?? 'info',
    '--dapr-graceful-shutdown-seconds',
    '2',
    ...(options.mtls ? ['--enable-mtls', '--sentry-address', options.mtls.sentryAddress] : []),
  ];
  const appApiToken = options.appApiToken ?? newMeshToken();
  const daprApiToken = options.daprApiToken ?? newMeshToken();
  const env: NodeJS.ProcessEnv = {
    ...withoutDaprVariables(process.env),
    // Without it daprd probes for a non-loopback interface and fails to start in a loopback-only sandbox.
    DAPR_HOST_IP: '127.0.0.1',
    REDIS_HOST: options.redisHost,
    // daprd sends APP_API_TOKEN to the app and refuses API calls without DAPR_API_TOKEN (healthz aside).
    APP_API_TOKEN: appApiToken,
    DAPR_API_TOKEN: daprApiToken,
    ...(options.mtls ? { DAPR_TRUST_ANCHORS: options.mtls.trustAnchors } : {}),
    ...options.env,
  };
  const spawnDaprd = () =>
    spawnManaged(`daprd-${options.appId}-${httpPort}`, binary, { args, env, logDir: options.logDir });
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
  const startReady = async (): Promise<ManagedProcess> => {
    const started = spawnDaprd();
    try {
      await untilReady(started, `${baseUrl}/v1.0/healthz/outbound`, readyTimeoutMs);
    } catch (error) {
      await started.kill();
      throw error;
    }
    return started;
  };
  let child = await startReady();
  return {
    appId: options.appId,
    httpPort,
    grpcPort,
    internalGrpcPort,
    metricsPort,
    appApiToken,
    daprApiToken,
    appEnv: { DAPR_HTTP_PORT: String(httpPort), DAPR_API_TOKEN: daprApiToken, APP_API_TOKEN: appApiToken },
    get process() {
      return child;
    },
    waitForSubscriptions: (topics, timeoutMs = defaultReadyTimeoutMs) =>
      untilSubscribed(child, baseUrl, daprApiToken, topics, timeoutMs),
    stop: () => child.stop(),
    kill: () => child.kill(),
    async restart() {
      await child.stop();
      child = await startReady();
    },
  };
}

async function fourDistinctFreePorts(taken: number): Promise<[number, number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 4) {
    const port = await freePort();
    if (port !== taken) ports.add(port);
  }
  const [a, b, c, d] = ports;
  return [a!, b!, c!, d!];
}

// A parent test run inside `dapr run` would otherwise leak its sidecar's ports and settings (tokens included)
// into ours.
export function withoutDaprVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  const leaked = new Set(['APP_ID', 'APP_PORT', 'APP_API_TOKEN', 'NAMESPACE']);
  for (const name of Object.keys(copy)) {
    if (name.startsWith('DAPR_') || leaked.has(name)) delete copy[name];
  }
  return copy;
}

async function untilReady(child: ManagedProcess, url: string, timeoutMs: number): Promise<void> {
  await poll(child, timeoutMs, `${url} did not answer 204`, async () => (await fetch(url)).status === 204);
}

async function untilSubscribed(
  child: ManagedProcess,
  baseUrl: string,
  daprApiToken: string,
  topics: string[],
  timeoutMs: number,
) {
  await poll(child, timeoutMs, `daprd did not subscribe to ${topics.join(', ')}`, async () => {
    const response = await fetch(`${baseUrl}/v1.0/metadata`, { headers: { 'dapr-api-token': daprApiToken } });
    if (!response.ok) return false;
    const metadata = (await response.json()) as { subscriptions?: { topic: string }[] };
    const subscribed = new Set((metadata.subscriptions ?? []).map((s) => s.topic));
    return topics.every((topic) => subscribed.has(topic));
  });
}

async function poll(child: ManagedProcess, timeoutMs: number, failure: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.child.exitCode !== null || child.child.signalCode !== null) {
      throw new Error(`${child.name} exited (${failure}); last output:\n${child.tail()}`);
    }
    try {
      if (await check()) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`${failure} within ${timeoutMs} ms; last output of ${child.name}:\n${child.tail()}`);
    }
    await new Promise((r) => setTimeout(r, pollIntervalMs));
  }
}

/**
 * A sidecar for `appId` in a prepared run dir (its Configuration for that app), on the given Redis: the shape
 * every harness uses. Hand `sidecar.appEnv` to the app's process.
 */
export function startSidecar(
  run: { resourcesPath: string; configPathFor(appId: string): string; logDir: string },
  redisHost: string,
  appId: string,
  appPort: number,
  options: { mtls?: DaprdMtls; env?: Record<string, string> } = {},
): Promise<RunningDaprd> {
  return startDaprd({
    appId,
    appPort,
    resourcesPath: run.resourcesPath,
    configPath: run.configPathFor(appId),
    redisHost,
    logDir: run.logDir,
    ...options,
  });
}
