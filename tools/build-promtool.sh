#!/usr/bin/env bash
# Prints the path of a usable promtool (Prometheus' rule checker and rule unit-test runner), building it from the
# github.com/prometheus/prometheus Go module when none is cached. The chart's alert rules are tested with it
# (`promtool test rules`, tests/deploy/alert-rules.test.ts).
#
# Order: $PROMTOOL (explicit), then the cached build in $SHOP_CACHE_DIR (default ~/.cache/shop-platform), keyed by
# a hash of this script (which pins the version and the flags), like the slim daprd. Only cmd/promtool is built,
# without the service-discovery plugins it can leave out (tag remove_all_sd; the Kubernetes one it imports itself),
# stripped, with -trimpath and CGO off, the flags the other tools are built with, so Go's build cache shares the
# packages they have in common (the standard library, gRPC, protobuf, the Kubernetes client).
set -euo pipefail

prometheus_version="v0.316.0"

if [[ -n "${PROMTOOL:-}" && -x "$PROMTOOL" ]]; then echo "$PROMTOOL"; exit 0; fi

cache_dir="${SHOP_CACHE_DIR:-$HOME/.cache/shop-platform}"
key="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
out="$cache_dir/promtool-$prometheus_version-$key/promtool"
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi

log() { echo "build-promtool: $*" >&2; }
if ! command -v go >/dev/null 2>&1; then
  log "Go >= 1.26.8 is needed to build promtool $prometheus_version for the alert-rule tests. Install Go from https://go.dev/dl (the Go module proxy must be reachable), then run: bash tools/build-promtool.sh"
  exit 1
fi

mkdir -p "$cache_dir"
# One build at a time: ensure-test-tools and a jest run may ask together.
exec 9>"$cache_dir/promtool.lock"
flock 9
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi

export GOTOOLCHAIN=local CGO_ENABLED=0
started=$SECONDS
work="$(dirname "$out").partial"
rm -rf "$work"
mkdir -p "$work"
log "building promtool $prometheus_version into $out (a cold build takes a few minutes)"
GOBIN="$work" go install -trimpath -tags remove_all_sd \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=${prometheus_version#v}" \
  "github.com/prometheus/prometheus/cmd/promtool@$prometheus_version"
rm -rf "$(dirname "$out")"
mv "$work" "$(dirname "$out")"
log "built in $((SECONDS - started)) s"
echo "$out"
