import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');

/** Runs a process entry point with the given environment (and nothing of the test's own), as a pod would start it. */
function start(entry: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, entry)], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'bad-config-')),
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('a process started with a bad configuration', () => {
  it.each([
    // A service beside its sidecar: host variables and the service's own, all named in one message.
    [
      'services/inventory/src/main.ts',
      { APP_PORT: 'not-a-port', LOG_LEVEL: 'loud', RESERVATION_TTL_SECONDS: '-5' },
      ['APP_PORT', 'LOG_LEVEL', 'JWKS_URL', 'RESERVATION_TTL_SECONDS'],
    ],
    ['services/payments/src/main.ts', { DAPR_HTTP_PORT: 'sidecar' }, ['DAPR_HTTP_PORT', 'JWKS_URL']],
    // The embedded platform: its own variables and every service's.
    [
      'services/edge/src/main.ts',
      { PORT: 'eighty', SHUTDOWN_GRACE_MS: 'soon', LOW_STOCK_THRESHOLD: 'many' },
      ['PORT', 'SHUTDOWN_GRACE_MS', 'LOW_STOCK_THRESHOLD'],
    ],
    // The gateway: a misspelt upstream is named rather than silently ignored.
    [
      'services/edge/src/gateway-main.ts',
      { PORT: '99999', UPSTREAM_CATALOGUE: 'http://catalog' },
      ['PORT', 'UPSTREAM_CATALOGUE'],
    ],
  ])('%s ends with exit code 1 and one message naming every bad variable', (entry, env, named) => {
    const { status, stderr } = start(entry, env);
    expect(status).toBe(1);
    expect(stderr.startsWith('Invalid configuration:')).toBe(true);
    for (const variable of named) expect(stderr).toMatch(new RegExp(`^  ${variable}: `, 'm'));
    // A message, not a crash: no stack trace, no unhandled rejection.
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('Unhandled');
  });
});
