#!/usr/bin/env bash
# The whole suite, as CI runs it on a fresh clone: dependencies, the slim daprd, type-check, lint,
# then every jest project (unit, integration against real Redis/PostgreSQL/daprd, and the black-box
# e2e suite against both topologies), and the unit suite once more on the second supported Node.js LTS line
# (tools/node-runtime.sh), with the Dapr topology's e2e suite on that Node, so both the machine's Node and that one
# are proven.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))"; }

# better-sqlite3 compiles from source here (no prebuilt binaries offline); node-gyp needs Node's headers,
# which the machine's nodejs package ships under /usr/include/node.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi

mkdir -p .tmp
# On a fresh machine the tools take minutes to build, none of it needing node_modules: the slim daprd, Sentry and
# the deployment checks' tools and promtool from Go modules, and the whole run's second Node with its better-sqlite3 build (one
# core for a minute or more). They start now, beside `npm install` (mostly waiting on the registry, then one
# single-threaded compile), and each step waits for what it needs.
bash -c 'bash tools/build-daprd.sh daprd && bash tools/build-daprd.sh sentry && bash tools/build-deploy-tools.sh && bash tools/build-promtool.sh' \
  >/dev/null 2>.tmp/go-tools.log &
go_tools_pid=$!
# Jaeger (the trace test's backend, tools/build-jaeger.sh) is the largest build and only the system suite needs it:
# it builds beside the others at a lower priority, and only the lane that runs that suite waits for it.
nice -n 10 bash tools/build-jaeger.sh >/dev/null 2>.tmp/jaeger-build.log &
if [[ $# -eq 0 ]]; then
  bash tools/node-runtime.sh >.tmp/node-runtime.json 2>.tmp/node-runtime.log &
  second_node_pid=$!
fi

if [[ ! -x node_modules/.bin/jest || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing npm dependencies"
  # Not `npm ci`: the registry reachable here serves only some platforms' optional binaries (biome,
  # swc, esbuild), so the lock file lacks the others and `npm ci` calls it out of sync.
  npm install --no-audit --no-fund
fi

step "system packages and the slim daprd"
wait "$go_tools_pid" || { cat .tmp/go-tools.log >&2; exit 1; }
cat .tmp/go-tools.log
node_modules/.bin/tsx tools/ensure-test-tools.ts
if [[ $# -eq 0 ]]; then
  # The images pass's builds, from now on beside the other passes (it needs daprd and node_modules, both ready now):
  # Podman, the base images and every service's image, each cached (the base images by their inputs' hash, the
  # images' stages by Podman). Cold, the dependency install inside the build (better-sqlite3 compiles) is most of it.
  bash -c 'bash tools/containers/base-images.sh && bash tools/containers/build-images.sh --tag images-test' \
    >.tmp/images.log 2>&1 &
  images_pid=$!
fi

step "type-check"
node_modules/.bin/tsc --noEmit -p tsconfig.json
# The browser code (the admin dashboard, the storefront): the DOM's types, which the services' code must not see.
node_modules/.bin/tsc --noEmit -p services/analytics/web/tsconfig.json
node_modules/.bin/tsc --noEmit -p services/edge/storefront/tsconfig.json

step "lint and format"
node_modules/.bin/biome ci .

step "layer rules"
npm run --silent lint:layers

status=0
if [[ $# -gt 0 ]]; then
  step "jest $*"
  node_modules/.bin/jest --ci --json --outputFile=.tmp/jest-results.json "$@" || status=$?
  results=(.tmp/jest-results.json)
else
  step "the second Node.js (tools/node-runtime.sh)"
  wait "$second_node_pid" || { cat .tmp/node-runtime.log >&2; exit 1; }
  cat .tmp/node-runtime.log
  second_node() { node -p "require('./.tmp/node-runtime.json').$1"; }
  second_node_version="$(second_node version)"
  second_node_bin="$(second_node node)"
  second_node_binding="$(second_node sqliteBinding)"
  echo "Node $second_node_version: $second_node_bin"

  # The second Node first on PATH, so that what the suites spawn (`tsx`, `node`) runs on it too.
  on_second_node() {
    PATH="$(dirname "$second_node_bin"):$PATH" SHOP_SQLITE_BINDING="$second_node_binding" "$second_node_bin" "$@"
  }

  # Suites that bring up their own servers and processes run two at a time.
  step "jest: unit, integration, deploy (two at a time)"
  node_modules/.bin/jest --ci --maxWorkers=2 --selectProjects unit integration deploy \
    --json --outputFile=.tmp/jest-isolated.json || status=$?

  # The platform suites: within a project one file at a time (--maxWorkers=1 on any machine), as each assumes
  # (the e2e files share their project's platform; a system file brings up whole platforms of its own). The
  # projects share nothing (each platform on free ports, with fresh data), so they run in two lanes side by side,
  # one per Node.js line: one project at a time, their waits (platform starts, sagas settling) left cores idle, and
  # every project's platform stayed up (the Dapr one costs 15% of a core idle) through the others' files. The Dapr
  # topology's suite runs on the second Node, the one the images run (`FROM node:24…`); the embedded one
  # (`npm start`) and the system suites (the Dapr topology again, crashed and attacked) on the machine's. So every
  # e2e test runs on both Node lines and in both topologies (tests/e2e/monitoring-names.e2e.test.ts checks each
  # platform's Node).
  platforms() { node_modules/.bin/jest --ci --maxWorkers=1 --json "$@"; }
  lane_machine_node() {
    local failed=0
    platforms --selectProjects e2e-embedded --outputFile=.tmp/jest-e2e-embedded.json || failed=1
    # The system suite's trace test needs Jaeger, built in the background since the run began: its lock makes this
    # wait for that build (or build it again when it failed, printing why).
    echo "== lane: Jaeger for the trace test ($((SECONDS - started))s)"
    bash tools/build-jaeger.sh >/dev/null 2>>.tmp/jaeger-build.log || failed=1
    cat .tmp/jaeger-build.log
    echo "== lane: system ($((SECONDS - started))s)"
    platforms --selectProjects system --outputFile=.tmp/jest-system.json || failed=1
    return "$failed"
  }
  lane_second_node() {
    on_second_node node_modules/.bin/jest --ci --maxWorkers=1 --json --selectProjects e2e-dapr \
      --outputFile=.tmp/jest-node-e2e-dapr.json
  }
  step "jest, two lanes: e2e-embedded then system | e2e-dapr on Node $second_node_version"
  lane_machine_node >.tmp/lane-machine-node.log 2>&1 &
  machine_lane_pid=$!
  lane_second_node >.tmp/lane-second-node.log 2>&1 &
  second_lane_pid=$!
  # Each lane's output whole, once it ends (interleaved, two jest reports would be unreadable).
  wait "$second_lane_pid" || status=1
  cat .tmp/lane-second-node.log
  wait "$machine_lane_pid" || status=1
  cat .tmp/lane-machine-node.log

  step "jest on Node $second_node_version: unit (two at a time)"
  on_second_node node_modules/.bin/jest --ci --maxWorkers=2 --selectProjects unit \
    --json --outputFile=.tmp/jest-node-unit.json || status=$?
  step "jest: images (every service's image built with Podman and run as the chart runs it)"
  wait "$images_pid" || { cat .tmp/images.log >&2; exit 1; }
  node_modules/.bin/jest --ci --selectProjects images \
    --json --outputFile=.tmp/jest-images.json || status=$?
  # docker-compose.yml run for real (Podman, tools/compose.sh) from those very images (SHOP_IMAGE_TAG: not built
  # again), and the same black-box suite against it, one file at a time as the other platforms: a jest run of its
  # own, so its topology is up alone.
  step "jest: e2e-compose (docker-compose.yml under Podman)"
  SHOP_IMAGE_TAG="$(node_modules/.bin/tsx -e 'console.log(require("./tests/images/support/podman").testTag)')" \
    node_modules/.bin/jest --ci --maxWorkers=1 --selectProjects e2e-compose \
    --json --outputFile=.tmp/jest-compose.json || status=$?
  results=(.tmp/jest-isolated.json .tmp/jest-e2e-embedded.json .tmp/jest-system.json .tmp/jest-node-e2e-dapr.json
    .tmp/jest-node-unit.json .tmp/jest-images.json .tmp/jest-compose.json)
fi
node -e '
  const runs = process.argv.slice(1).map((file) => require(`./${file}`));
  const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
  console.log(`jest: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests")} skipped`);
  if (runs.some((r) => r.numTotalTests === 0)) { console.error("a jest run ran no test"); process.exit(1); }
' "${results[@]}" || status=1
step "done, exit $status"
exit "$status"
