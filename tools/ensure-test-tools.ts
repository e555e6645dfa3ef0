// Installs or builds what the integration and e2e suites need, once, before jest starts its workers:
// redis-server and PostgreSQL from Debian (as root), and the slim daprd from Dapr's Go modules.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBinary, initdb, pgCtl, redisServer } from '@shop/testkit/src/system-binaries';

for (const spec of [redisServer, initdb, pgCtl]) {
  console.log(`${spec.name}: ${ensureBinary(spec)}`);
}
const started = Date.now();
const daprd = execFileSync('bash', [join(__dirname, 'build-daprd.sh')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
}).trim();
console.log(`daprd: ${daprd} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
