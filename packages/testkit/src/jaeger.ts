import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';
import { type ManagedProcess, spawnManaged } from './managed-process';

const repoRoot = resolve(__dirname, '../../..');
const buildScript = join(repoRoot, 'tools', 'build-jaeger.sh');

let resolvedJaeger: string | undefined;

/**
 * Jaeger's path as tools/build-jaeger.sh answers it: $JAEGER, or its cached build (it builds one from the Go module
 * when none is cached, waiting for a build already under way, such as tools/test.sh's background one).
 */
export function resolveJaeger(): string {
  if (resolvedJaeger) return resolvedJaeger;
  let output: string;
  try {
    output = execFileSync('bash', [buildScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    throw new Error(
      `could not find or build Jaeger with ${buildScript} (${(error as Error).message}). ` +
        'Install Go >= 1.26.8 (the Go module proxy must be reachable) and run `bash tools/build-jaeger.sh`, ' +
        'or set JAEGER to the path of a Jaeger v2 binary.',
    );
  }
  const path = output.trim().split('\n').pop();
  if (!path) throw new Error(`${buildScript} printed no Jaeger path`);
  resolvedJaeger = path;
  return path;
}

export interface JaegerPorts {
  /** OTLP over gRPC (Jaeger's default 4317). */
  otlpGrpc: number;
  /** OTLP over HTTP (default 4318): what the services and the sidecars export to. */
  otlpHttp: number;
  /** The query API and the UI (default 16686). */
  query: number;
  /** The query service's gRPC API (default 16685). */
  queryGrpc: number;
}

/** Jaeger's own ports: what `npm run start:dapr -- --observability` asks for, so the UI is where one expects it. */
export const defaultJaegerPorts: JaegerPorts = { otlpGrpc: 4317, otlpHttp: 4318, query: 16686, queryGrpc: 16685 };

export interface RunningJaeger {
  ports: JaegerPorts;
  /** The UI and the query API (`/api/traces/<trace id>`, `/api/services`). */
  queryUrl: string;
  /** Where OTLP/HTTP exporters send (the OTEL_EXPORTER_OTLP_ENDPOINT of a Node service). */
  otlpHttpUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Jaeger v2's configuration for one machine: OTLP in, the in-memory store, the query API and UI, every listener on
 * 127.0.0.1 and nothing else started (upstream's all-in-one also opens Zipkin, Jaeger's legacy receivers, remote
 * sampling, zPages, expvar and a metrics port on fixed ports, which would collide between test runs).
 */
export function jaegerConfig(ports: JaegerPorts, maxTraces = 100_000): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${maxTraces}
  jaeger_query:
    # Its own spans would go to localhost:4317 (upstream's default: on), whoever listens there.
    enable_tracing: false
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${ports.query}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${ports.otlpGrpc}
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}
processors:
  batch:
    # Spans are readable a tenth of a second after they arrive (the default holds them up to 200 ms).
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

const readyTimeoutMs = 30_000;

/**
 * Jaeger (v2, all in one, in-memory storage) on loopback. `dir` receives its configuration and its log; the ports
 * are free ones unless given (start:dapr asks for Jaeger's usual ones).
 */
export async function startJaeger(options: { dir: string; ports?: JaegerPorts }): Promise<RunningJaeger> {
  const ports = options.ports ?? {
    otlpGrpc: await freePort(),
    otlpHttp: await freePort(),
    query: await freePort(),
    queryGrpc: await freePort(),
  };
  mkdirSync(options.dir, { recursive: true });
  const configPath = join(options.dir, 'jaeger.yaml');
  writeFileSync(configPath, jaegerConfig(ports));
  const child = spawnManaged('jaeger', resolveJaeger(), {
    args: ['--config', configPath],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    logDir: options.dir,
  });
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  try {
    await untilAnswering(child, `${queryUrl}/api/services`);
  } catch (error) {
    await child.kill();
    throw error;
  }
  return {
    ports,
    queryUrl,
    otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttp}`,
    process: child,
    stop: () => child.stop(),
  };
}

/**
 * The standard OTEL_* variables that send a process's spans to `jaeger`: the Node services' SDK and daprd alike read
 * them (daprd speaks gRPC unless told http/protobuf, and TLS unless told insecure). A short batch delay makes a
 * trace readable soon after the request, which a developer watching the UI and the trace test both want.
 */
export function exportingTo(jaeger: Pick<RunningJaeger, 'otlpHttpUrl'>): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_INSECURE: 'true',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
}

async function untilAnswering(child: ManagedProcess, url: string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.child.exitCode !== null || child.child.signalCode !== null) {
      throw new Error(`jaeger exited; last output:\n${child.tail()}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`jaeger did not answer ${url} within ${readyTimeoutMs} ms:\n${child.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
