// Installs or builds what the integration and e2e suites need, once, before jest starts its workers:
// redis-server, PostgreSQL and Chromium (the hub's live-stock page test drives it) from Debian (as root),
// the slim daprd and Sentry from Dapr's Go modules, the deployment checks' helm, kubeconform, deploy-check and
// JSON schemas (tools/build-deploy-tools.sh), and promtool for the alert-rule tests (tools/build-promtool.sh).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  chromiumBrowser,
  curlClient,
  ensureBinary,
  initdb,
  jqProcessor,
  pgCtl,
  redisServer,
} from '@shop/testkit/src/system-binaries';

for (const spec of [redisServer, initdb, pgCtl, chromiumBrowser, curlClient, jqProcessor]) {
  console.log(`${spec.name}: ${ensureBinary(spec)}`);
}
for (const binary of ['daprd', 'sentry']) {
  const started = Date.now();
  const path = execFileSync('bash', [join(__dirname, 'build-daprd.sh'), binary], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  console.log(`${binary}: ${path} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const deployStarted = Date.now();
const deployTools = JSON.parse(
  execFileSync('bash', [join(__dirname, 'build-deploy-tools.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
) as { helm: string; kubeconform: string; deployCheck: string };
console.log(
  `deploy tools: ${deployTools.helm}, ${deployTools.kubeconform}, ${deployTools.deployCheck} (${((Date.now() - deployStarted) / 1000).toFixed(1)} s)`,
);

const promtoolStarted = Date.now();
const promtool = execFileSync('bash', [join(__dirname, 'build-promtool.sh')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
}).trim();
console.log(`promtool: ${promtool} (${((Date.now() - promtoolStarted) / 1000).toFixed(1)} s)`);
