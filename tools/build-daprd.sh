#!/usr/bin/env bash
# Prints the path of a usable daprd, building the slim one from Dapr's Go modules when none exists.
#
# Order: $DAPRD (explicit), a daprd on PATH, ~/.dapr/bin/daprd, then the cached slim build.
# The slim build lives outside git in $SHOP_CACHE_DIR (default ~/.cache/shop-platform), keyed by
# a hash of tools/slim-daprd, so a change to the component list rebuilds it and nothing else does.
# Set SHOP_DAPRD_FORCE_SLIM=1 to ignore daprd binaries found elsewhere.
set -euo pipefail

dapr_version="1.18.3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/slim-daprd"
cache_dir="${SHOP_CACHE_DIR:-$HOME/.cache/shop-platform}"

log() { echo "build-daprd: $*" >&2; }

if [[ -z "${SHOP_DAPRD_FORCE_SLIM:-}" ]]; then
  if [[ -n "${DAPRD:-}" && -x "${DAPRD}" ]]; then echo "$DAPRD"; exit 0; fi
  if found="$(command -v daprd 2>/dev/null)"; then echo "$found"; exit 0; fi
  if [[ -x "$HOME/.dapr/bin/daprd" ]]; then echo "$HOME/.dapr/bin/daprd"; exit 0; fi
fi

if ! command -v go >/dev/null 2>&1; then
  log "Go is needed to build daprd $dapr_version (go >= 1.26.6). Install Go from https://go.dev/dl or put a daprd on PATH."
  exit 1
fi

key="$(cd "$src" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
out="$cache_dir/daprd-$dapr_version-$key/daprd"
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod"
log "building slim daprd $dapr_version into $out (a cold build takes several minutes)"
started=$SECONDS
work="$cache_dir/build-$key"
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
  go mod edit -replace "github.com/dapr/dapr=./dapr-src"
  go build -trimpath \
    -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$dapr_version" \
    -o "$out.tmp" ./cmd/daprd
  mv "$out.tmp" "$out"
)
rm -rf "$work"
log "built in $((SECONDS - started)) s"
echo "$out"
