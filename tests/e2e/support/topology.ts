import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@shop/testkit/src/free-port';
import { type ManagedProcess, spawnManaged } from '@shop/testkit/src/managed-process';
import { type MailCatcher, startMailCatcher } from './mail-catcher';

export type TopologyKind = 'embedded' | 'dapr';

const repoRoot = join(__dirname, '..', '..', '..');
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const entryPoints: Record<TopologyKind, string> = {
  embedded: join(repoRoot, 'services', 'edge', 'src', 'main.ts'),
  dapr: join(repoRoot, 'tools', 'start-dapr.ts'),
};
const startTimeoutMs: Record<TopologyKind, number> = { embedded: 60_000, dapr: 180_000 };
/** Short, so the suite sees a revoked login refused soon (the default is 30 s). */
export const e2eSessionCheckSeconds = 2;

interface RunningTopology {
  baseUrl: string;
  process: ManagedProcess;
  mail: MailCatcher;
}

const running = new Map<TopologyKind, RunningTopology>();

async function waitUntilReady(baseUrl: string, process: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) break;
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await process.stop();
  throw new Error(`the ${process.name} topology did not become ready (${last}). Its output:\n${process.tail(60)}`);
}

/**
 * Starts a whole topology the way a developer does (`npm start` / `npm run start:dapr`) on a free
 * port with fresh data, unless E2E_<KIND>_URL points at one that already runs. Its SMTP_URL is an SMTP server
 * started here, which stores every email the platform sends where the tests read them (E2E_<KIND>_MAIL_DIR).
 * `env` adds to the environment (the benchmarks run it with NODE_ENV=production and the secrets production requires);
 * `nodeArgs` go to the topology's first Node process (the bench's `--cpu-prof`).
 */
export async function startTopology(
  kind: TopologyKind,
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): Promise<string> {
  const external = process.env[`E2E_${kind.toUpperCase()}_URL`];
  if (external) return external;
  const port = await freePort();
  const runDir = mkdtempSync(join(tmpdir(), `shop-e2e-${kind}-`));
  const mail = await startMailCatcher(join(runDir, 'mail'));
  const child = spawnManaged(`e2e-${kind}`, tsx, {
    args: [...nodeArgs, entryPoints[kind]],
    cwd: repoRoot,
    logDir: runDir,
    env: {
      ...process.env,
      PORT: String(port),
      SHOP_DATA_DIR: join(runDir, 'data'),
      LOG_LEVEL: 'warn',
      SESSION_CHECK_SECONDS: String(e2eSessionCheckSeconds),
      SMTP_URL: mail.smtpUrl,
      // The suite asserts exact catalog contents: it starts from an empty shop unless a caller asks for the demo one.
      SHOP_DEMO_DATA: 'false',
      ...env,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseUrl, child, startTimeoutMs[kind]);
  } catch (error) {
    await mail.close();
    throw error;
  }
  running.set(kind, { baseUrl, process: child, mail });
  process.env[`E2E_${kind.toUpperCase()}_STARTED_URL`] = baseUrl;
  process.env[`E2E_${kind.toUpperCase()}_MAIL_DIR`] = mail.dir;
  // Every app port and sidecar port of the Dapr topology (tools/start-dapr.ts writes it), for tests that call
  // them directly, as an attacker inside the cluster would.
  if (kind === 'dapr') process.env.E2E_DAPR_TOPOLOGY_FILE = join(runDir, 'data', 'dapr', 'topology.json');
  return baseUrl;
}

/** The process startTopology started for `kind` (every process of the topology runs under it), if it did. */
export function topologyPid(kind: TopologyKind): number | undefined {
  return running.get(kind)?.process.child.pid;
}

export async function stopTopology(kind: TopologyKind): Promise<void> {
  const topology = running.get(kind);
  running.delete(kind);
  await topology?.process.stop(30_000);
  await topology?.mail.close();
}
