#!/usr/bin/env bash
# The whole suite, as CI runs it on a fresh clone: dependencies, the slim daprd, type-check, lint,
# then every jest project (unit, integration against real Redis/PostgreSQL/daprd, and the black-box
# e2e suite against both topologies).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))"; }

# better-sqlite3 compiles from source here (no prebuilt binaries offline); node-gyp needs Node's headers,
# which the machine's nodejs package ships under /usr/include/node.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi

if [[ ! -x node_modules/.bin/jest || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing npm dependencies"
  # Not `npm ci`: the registry reachable here serves only some platforms' optional binaries (biome,
  # swc, esbuild), so the lock file lacks the others and `npm ci` calls it out of sync.
  npm install --no-audit --no-fund
fi

step "system packages and the slim daprd"
node_modules/.bin/tsx tools/ensure-test-tools.ts

step "type-check"
node_modules/.bin/tsc --noEmit -p tsconfig.json
# The admin dashboard's browser code: the DOM's types, which the services' code must not see.
node_modules/.bin/tsc --noEmit -p services/analytics/web/tsconfig.json

step "lint and format"
node_modules/.bin/biome ci .

step "layer rules"
npm run --silent lint:layers

step "jest"
mkdir -p .tmp
status=0
node_modules/.bin/jest --ci --json --outputFile=.tmp/jest-results.json "$@" || status=$?
node -e '
  const r = require("./.tmp/jest-results.json");
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || status=1
step "done, exit $status"
exit "$status"
