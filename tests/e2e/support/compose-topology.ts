import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { developmentHubAccessKey } from '@shop/kit';
import { freePort } from '@shop/testkit/src/free-port';

/**
 * The compose topology for the black-box suite: docker-compose.yml with tests/e2e/support/compose.e2e.yml on top,
 * through tools/compose.sh (Podman here, Docker elsewhere), from the images tools/containers/build-images.sh builds
 * with the tag the compose file names (from its cache when the images pass built them just before; compose itself
 * builds nothing: `up --no-build`). The gateway on a free loopback port; each service's app port published on
 * loopback too, for the checks that read every service's /metrics or call the hub's Azure REST API where in-cluster
 * callers do.
 */

const repoRoot = join(__dirname, '..', '..', '..');
const files = ['-f', 'docker-compose.yml', '-f', join('tests', 'e2e', 'support', 'compose.e2e.yml')];
const project = 'shop-e2e';
/** The apps whose port compose.e2e.yml publishes (every service of docker-compose.yml but the gateway). */
const apps = [
  'identity',
  'catalog',
  'inventory',
  'payments',
  'orders',
  'cart',
  'hub',
  'notifications',
  'analytics',
  'recommendations',
  'fraud',
];
/** A cold start (every container's first start, PostgreSQL's first initdb) on a busy two-core machine. */
const readyTimeoutMs = 300_000;
/** Where the containers' logs and states go at teardown, for the failure of any test. */
export const composeOutputDir = join(repoRoot, '.tmp', 'test-output', 'compose');

const run = promisify(execFile);

function compose(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000) {
  return run('bash', [join(repoRoot, 'tools', 'compose.sh'), ...files, ...args], {
    cwd: repoRoot,
    env,
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** What the topology's containers are started with: the host topologies' e2e settings, and the gateway's port. */
function composeEnv(port: number, tag: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SHOP_IMAGE_TAG: tag,
    COMPOSE_PROJECT_NAME: project,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    // The key the e2e hub checks sign their REST calls with when none is given (the platform's development default).
    HUB_ACCESS_KEY: developmentHubAccessKey,
  };
}

async function waitUntilReady(baseUrl: string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the compose topology did not become ready within ${readyTimeoutMs / 1000} s (${last})`);
}

/** Each app's own address: its container's port 3000 as published on loopback (one `ps`, read row by row). */
async function appUrls(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const { stdout } = await compose(['ps'], env, 60_000);
  return Object.fromEntries(
    apps.map((app) => {
      const row = stdout.split('\n').find((line) => line.startsWith(`${project}_${app}_1 `)) ?? '';
      const address = /(127\.0\.0\.1:\d+)->3000\/tcp/.exec(row)?.[1];
      if (!address) throw new Error(`${app}'s port 3000 is not published on loopback: "${row}" in\n${stdout}`);
      return [app, `http://${address}`];
    }),
  );
}

/**
 * `up -d`, again when Podman refused to start a container: a sidecar joining its app's network namespace while the
 * app's container restarts (it exits while PostgreSQL still refuses it) gets "unable to restart a container in a
 * paused or unknown state" from Podman, once in a few cold starts on a loaded machine. `up` is idempotent.
 */
async function upWithRetries(env: NodeJS.ProcessEnv, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await compose(['up', '-d', '--no-build'], env);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.warn(`\ncompose up failed (attempt ${attempt} of ${attempts}), again: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

let started: { env: NodeJS.ProcessEnv } | undefined;

/**
 * Brings the topology up with fresh volumes (what an earlier run left is removed first) and waits until the
 * gateway's /readyz says every service is ready, unless E2E_COMPOSE_URL points at one that already runs. Sets
 * E2E_COMPOSE_STARTED_URL and E2E_COMPOSE_APP_URLS (JSON: service name to base URL) for the test files.
 */
export async function startComposeTopology(): Promise<string> {
  const external = process.env.E2E_COMPOSE_URL;
  if (external) return external;
  // Images this run built already (SHOP_IMAGE_TAG: tools/test.sh's images pass), or the ones compose names, built
  // here (not the all-in-one edge's), from the cache as far as it goes.
  const tag = process.env.SHOP_IMAGE_TAG ?? 'compose';
  if (!process.env.SHOP_IMAGE_TAG) {
    const building = Date.now();
    await run('bash', [join(repoRoot, 'tools', 'containers', 'build-images.sh'), '--tag', tag, ...apps, 'gateway'], {
      cwd: repoRoot,
      timeout: 3_600_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    console.log(`\ncompose images built (shop-<service>:${tag}) in ${((Date.now() - building) / 1000).toFixed(1)} s`);
  }
  const port = await freePort();
  const env = composeEnv(port, tag);
  await compose(['down', '-t', '1', '-v'], env);
  const began = Date.now();
  started = { env };
  try {
    await upWithRetries(env);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntilReady(baseUrl);
    process.env.E2E_COMPOSE_APP_URLS = JSON.stringify(await appUrls(env));
    process.env.E2E_COMPOSE_STARTED_URL = baseUrl;
    console.log(`\ncompose topology ready at ${baseUrl} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return baseUrl;
  } catch (error) {
    await stopComposeTopology();
    throw error;
  }
}

/** Saves every container's log and state under .tmp/test-output/compose/, then takes the topology down. */
export async function stopComposeTopology(): Promise<void> {
  if (!started) return;
  const { env } = started;
  started = undefined;
  rmSync(composeOutputDir, { recursive: true, force: true });
  await run('bash', [join(repoRoot, 'tools', 'compose.sh'), '--save-logs', composeOutputDir], { cwd: repoRoot, env });
  await compose(['down', '-t', '1', '-v'], env);
}
