import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DaprdMtls, resolveDaprBinary, withoutDaprVariables } from './daprd';
import { freePort } from './free-port';
import { type ManagedProcess, spawnManaged } from './managed-process';

export interface RunningSentry {
  /** `host:port` of its gRPC API, for daprd's --sentry-address. */
  address: string;
  port: number;
  /** What each daprd needs to take part in mTLS with this Sentry. */
  mtls: DaprdMtls;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Sentry's own identity is spiffe://<this>/ns/default/dapr-sentry; daprd expects it by default. */
const controlPlaneTrustDomain = 'localhost';
const readyTimeoutMs = 20_000;

/**
 * Dapr's certificate authority, self-hosted on loopback: it generates its own root and issuer into `dir` on first
 * start and signs each daprd's workload certificate (SPIFFE id spiffe://public/ns/default/<app id>), which is what
 * lets a sidecar's access control know its caller. Self-hosted Sentry signs for any app id it is asked for (its
 * "insecure" validator); on Kubernetes the validator checks the pod's service account token instead.
 */
export async function startSentry(options: { dir: string; logDir: string }): Promise<RunningSentry> {
  const credentials = join(options.dir, 'credentials');
  mkdirSync(credentials, { recursive: true });
  // Sentry exits without a Configuration to read; this one only turns mTLS on.
  const configPath = join(options.dir, 'sentry-config.yaml');
  writeFileSync(
    configPath,
    'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: daprsystem\nspec:\n  mtls:\n    enabled: true\n',
  );
  const [port, healthzPort] = [await freePort(), await freePort()];
  const child = spawnManaged(`sentry-${port}`, resolveDaprBinary('sentry'), {
    args: [
      '--config',
      configPath,
      '--issuer-credentials',
      credentials,
      '--trust-domain',
      controlPlaneTrustDomain,
      '--port',
      String(port),
      '--listen-address',
      '127.0.0.1',
      // Bound to loopback by tools/build-daprd.sh's patch: upstream ignores --healthz-listen-address.
      '--healthz-port',
      String(healthzPort),
      // Its metrics server would listen on every interface (upstream passes no listen address on).
      '--enable-metrics=false',
    ],
    env: { ...withoutDaprVariables(process.env) },
    logDir: options.logDir,
  });
  try {
    await untilHealthy(child, `http://127.0.0.1:${healthzPort}/healthz`);
  } catch (error) {
    await child.kill();
    throw error;
  }
  const address = `127.0.0.1:${port}`;
  return {
    address,
    port,
    mtls: { sentryAddress: address, trustAnchors: readFileSync(join(credentials, 'ca.crt'), 'utf8') },
    process: child,
    stop: () => child.stop(),
  };
}

async function untilHealthy(child: ManagedProcess, url: string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.child.exitCode !== null || child.child.signalCode !== null) {
      throw new Error(`${child.name} exited; last output:\n${child.tail()}`);
    }
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy within ${readyTimeoutMs} ms:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
