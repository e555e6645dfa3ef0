#!/usr/bin/env bash
# `npm run images -- [--tag TAG] [--push REGISTRY] [SERVICE...]`: builds the image of every service (or of those
# named) from the one Dockerfile, as shop-<service>:<tag> (default tag: dev), and with --push pushes each to
# REGISTRY/shop-<service>:<tag>, the names the Helm chart pulls (image.registry, image.namePrefix, image.tag).
#
#   npm run images -- --push registry.example.com/shop --tag 1.2.3
#
# Podman when installed, in the project's own store on top of the base images (tools/containers/base-images.sh builds
# them first: no registry is needed to build); otherwise Docker (SHOP_CONTAINER_ENGINE=docker chooses it), which
# pulls the public base images. Images are in Docker's format so that their HEALTHCHECK stays. A registry reached
# through a private certificate authority: npm's `cafile` setting (or SHOP_NPM_CA) is passed to the build as a
# secret, for the dependency install only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

tag=dev
registry=""
services=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --push) registry="${2%/}"; shift 2 ;;
    -*) echo "build-images: unknown option $1" >&2; exit 2 ;;
    *) services+=("$1"); shift ;;
  esac
done
known="$(node_modules/.bin/tsx tools/bundle-service.ts --list)"
if [[ ${#services[@]} -eq 0 ]]; then mapfile -t services <<<"$known"; fi
for service in "${services[@]}"; do
  grep -qx "$service" <<<"$known" || { echo "build-images: no service $service (known: $(echo $known))" >&2; exit 2; }
done

engine="${SHOP_CONTAINER_ENGINE:-}"
if [[ -z "$engine" ]]; then
  if command -v podman >/dev/null || [[ "$(id -u)" == 0 ]]; then engine=podman; else engine=docker; fi
fi
build_options=(--build-arg "SERVICE=%s" --target runtime)
if [[ "$engine" == podman ]]; then
  . "$here/env.sh"
  bash "$here/base-images.sh" debian node >/dev/null
  # No base image is ever pulled: they are all in the store already.
  build_options+=(--format docker --pull=never)
fi
ca="${SHOP_NPM_CA:-$(npm config get cafile 2>/dev/null || true)}"
if [[ -n "$ca" && "$ca" != null && -f "$ca" ]]; then build_options+=(--secret "id=npm-ca,src=$ca"); fi

for service in "${services[@]}"; do
  started=$SECONDS
  options=()
  for option in "${build_options[@]}"; do options+=("${option//%s/$service}"); done
  "$engine" build "${options[@]}" -t "shop-$service:$tag" . >&2
  echo "build-images: shop-$service:$tag in $((SECONDS - started)) s" >&2
  if [[ -n "$registry" ]]; then
    "$engine" tag "shop-$service:$tag" "$registry/shop-$service:$tag"
    "$engine" push "$registry/shop-$service:$tag" >&2
    echo "$registry/shop-$service:$tag"
  else
    echo "shop-$service:$tag"
  fi
done
