#!/usr/bin/env bash
# Prints the path of a usable Jaeger (v2, `cmd/jaeger`: an OpenTelemetry Collector build with Jaeger's storage and
# query extensions), building it from the github.com/jaegertracing/jaeger Go module when none is cached. It is the
# trace backend of `npm run start:dapr -- --observability` and of the trace test (tests/system/dapr-trace.test.ts).
#
# Order: $JAEGER (explicit), then the cached build in $SHOP_CACHE_DIR (default ~/.cache/shop-platform), keyed by a
# hash of this script (which pins the version and the flags), like the slim daprd and promtool.
#
# The module's go.mod has a replace directive, so `go install module@version` refuses it; the build runs inside the
# module's own (read-only) copy from the module cache instead, with its go.mod and go.sum as upstream pinned them.
# The module zip carries no Jaeger UI assets (upstream builds them from a separate npm project), so the binary serves
# Jaeger's placeholder page on the UI address; the query API (/api/traces, /api/services) is complete.
set -euo pipefail

jaeger_version="v1.75.0"
# v1.75.0 of the module is Jaeger v2.12.0: cmd/jaeger reports the v2 line.
jaeger_v2_version="v2.12.0"

if [[ -n "${JAEGER:-}" && -x "$JAEGER" ]]; then echo "$JAEGER"; exit 0; fi

cache_dir="${SHOP_CACHE_DIR:-$HOME/.cache/shop-platform}"
key="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
out="$cache_dir/jaeger-$jaeger_version-$key/jaeger"
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi

log() { echo "build-jaeger: $*" >&2; }
if ! command -v go >/dev/null 2>&1; then
  log "Go >= 1.26.8 is needed to build Jaeger $jaeger_v2_version (module $jaeger_version) for the trace test and --observability. Install Go from https://go.dev/dl (the Go module proxy must be reachable), then run: bash tools/build-jaeger.sh"
  exit 1
fi

mkdir -p "$cache_dir"
# One build at a time: test.sh's background build and a jest run may ask together.
exec 9>"$cache_dir/jaeger.lock"
flock 9
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi

export GOTOOLCHAIN=local CGO_ENABLED=0
started=$SECONDS
work="$(dirname "$out").partial"
rm -rf "$work"
mkdir -p "$work"
log "building Jaeger $jaeger_v2_version (module $jaeger_version) into $out (a cold build takes several minutes)"
module_dir="$(go mod download -json "github.com/jaegertracing/jaeger@$jaeger_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
(
  cd "$module_dir"
  # -mod=readonly: the module's own go.sum decides every dependency; a GOFLAGS -mod=mod from the caller would try
  # to rewrite the read-only go.mod.
  GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath \
    -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$jaeger_v2_version" \
    -o "$work/jaeger" ./cmd/jaeger
)
rm -rf "$(dirname "$out")"
mv "$work" "$(dirname "$out")"
log "built in $((SECONDS - started)) s"
echo "$out"
