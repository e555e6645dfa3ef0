import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EmbeddedPlatform } from '@shop/kit';
import { curlClient, ensureBinary, jqProcessor } from '@shop/testkit/src/system-binaries';
import { startShop } from '../src/start-shop';

// The README's five-minute tour is a shell session a newcomer pastes into a terminal beside `npm start`. This runs
// the block exactly as written (only BASE points at a fresh platform on a free port), so it cannot go stale.

const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

function tourScript(): string {
  const block = /<!-- tour -->\s*```sh\n([\s\S]*?)```\s*<!-- \/tour -->/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no <!-- tour --> shell block');
  return block;
}

function runBash(script: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { env, timeout: 60_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`))
        : resolve({ stdout, stderr }),
    );
  });
}

describe("the README's tour", () => {
  let dataDir: string;
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'readme-tour-'));
    platform = await startShop({ PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' });
  }, 60_000);
  afterAll(async () => {
    await platform?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers, browses the demo shop, checks a cart out and sees the order Paid, as pasted into bash', async () => {
    const script = tourScript();
    expect(script).toMatch(/^BASE=http:\/\/localhost:8080$/m);
    const tools = [ensureBinary(curlClient), ensureBinary(jqProcessor), process.execPath].map((path) => dirname(path));
    const { stdout } = await runBash(script.replace(/^BASE=.*$/m, `BASE=${platform.url}`), {
      PATH: [...tools, process.env.PATH].join(':'),
    });
    const lines = stdout.trim().split('\n');
    // The search's hits and a recommendation or more, the cart of two, then the order until it is Paid.
    expect(lines[0]).toMatch(/^\{"name":".*","price":\{"amount":\d+,"currency":"EUR"\},"stock":\d+\}$/);
    expect(stdout).toMatch(/^\{"itemCount":2,"total":\{"amount":\d+,"currency":"EUR"\}\}$/m);
    expect(lines.at(-1)).toMatch(/^order [0-9a-f-]{36} is Paid$/);
  }, 90_000);
});
