#!/usr/bin/env bash
# Prints the path of a usable daprd (or, with the argument `sentry`, of Dapr's Sentry, the certificate
# authority behind mTLS and access control), building the slim one from Dapr's Go modules when none exists.
#
#   tools/build-daprd.sh          # daprd
#   tools/build-daprd.sh sentry   # sentry, from the same pinned dapr module
#
# Order: $DAPRD / $SENTRY (explicit), the binary on PATH, ~/.dapr/bin/<binary>, then the cached build.
# The builds live outside git in $SHOP_CACHE_DIR (default ~/.cache/shop-platform), keyed by a hash of
# tools/slim-daprd, so a change to the component list or the pin rebuilds them and nothing else does.
# Set SHOP_DAPRD_FORCE_SLIM=1 to ignore binaries found elsewhere.
set -euo pipefail

dapr_version="1.18.3"
binary="${1:-daprd}"
case "$binary" in
  daprd) package="./cmd/daprd" explicit="${DAPRD:-}" ;;
  # Sentry needs no components: it is upstream's command, built against the same module copy.
  sentry) package="github.com/dapr/dapr/cmd/sentry" explicit="${SENTRY:-}" ;;
  *) echo "build-daprd: unknown binary '$binary' (daprd or sentry)" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/slim-daprd"
cache_dir="${SHOP_CACHE_DIR:-$HOME/.cache/shop-platform}"

log() { echo "build-daprd: $*" >&2; }

if [[ -z "${SHOP_DAPRD_FORCE_SLIM:-}" ]]; then
  if [[ -n "$explicit" && -x "$explicit" ]]; then echo "$explicit"; exit 0; fi
  if found="$(command -v "$binary" 2>/dev/null)"; then echo "$found"; exit 0; fi
  if [[ -x "$HOME/.dapr/bin/$binary" ]]; then echo "$HOME/.dapr/bin/$binary"; exit 0; fi
fi

if ! command -v go >/dev/null 2>&1; then
  log "Go is needed to build $binary $dapr_version (go >= 1.26.6). Install Go from https://go.dev/dl or put a $binary on PATH."
  exit 1
fi

key="$(cd "$src" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
out="$cache_dir/daprd-$dapr_version-$key/$binary"
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod"
log "building $binary $dapr_version into $out (a cold build takes several minutes)"
started=$SECONDS
work="$cache_dir/build-$key-$binary"
rm -rf "$work"
mkdir -p "$work" "$(dirname "$out")"
cp -r "$src/." "$work/"
(
  cd "$work"
  go mod download github.com/dapr/dapr
  # Upstream's cmd/daprd/components/zz_notag.go panics at start unless a component build tag
  # is set, and Go refuses -overlay on module-cache files, so the build uses a copy of the
  # dapr module in which that file declares the package and nothing else; our own package
  # registers the components instead.
  upstream="$(go list -m -f '{{.Dir}}' github.com/dapr/dapr)"
  cp -r "$upstream" dapr-src
  chmod -R u+w dapr-src
  printf 'package components\n' >dapr-src/cmd/daprd/components/zz_notag.go
  # Sentry's healthz server listens on every interface: upstream parses --healthz-listen-address but never
  # passes it on. Local runs bind loopback only (daprd does not use this server).
  healthz=dapr-src/pkg/healthz/server/server.go
  grep -q 'fmt.Sprintf(":%d", s.port)' "$healthz" || { log "$healthz changed upstream; revisit its patch"; exit 1; }
  sed -i 's/fmt.Sprintf(":%d", s.port)/fmt.Sprintf("127.0.0.1:%d", s.port)/' "$healthz"
  go mod edit -replace "github.com/dapr/dapr=./dapr-src"
  go build -trimpath \
    -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$dapr_version" \
    -o "$out.tmp" "$package"
  mv "$out.tmp" "$out"
)
rm -rf "$work"
log "built in $((SECONDS - started)) s"
echo "$out"
