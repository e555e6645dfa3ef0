# Source this (`. tools/containers/env.sh`) before any podman, buildah or podman-compose command on the project's
# images: it points Podman at the project's own settings (tools/containers/containers.conf) and at an image store of
# its own under $SHOP_CACHE_DIR (default ~/.cache/shop-platform/containers), so neither the machine's containers
# nor its configuration are touched. tools/containers/*.sh source it themselves.
_shop_containers_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHOP_CONTAINERS_DIR="${SHOP_CONTAINERS_DIR:-${SHOP_CACHE_DIR:-$HOME/.cache/shop-platform}/containers}"
mkdir -p "$SHOP_CONTAINERS_DIR/storage" "$SHOP_CONTAINERS_DIR/run"
# The storage settings need absolute paths, so they are written here rather than kept in git.
_shop_storage_conf="[storage]
driver = \"overlay\"
graphroot = \"$SHOP_CONTAINERS_DIR/storage\"
runroot = \"$SHOP_CONTAINERS_DIR/run\""
if [[ "$(cat "$SHOP_CONTAINERS_DIR/storage.conf" 2>/dev/null)" != "$_shop_storage_conf" ]]; then
  printf '%s\n' "$_shop_storage_conf" >"$SHOP_CONTAINERS_DIR/storage.conf"
fi
export SHOP_CONTAINERS_DIR
export CONTAINERS_CONF="$_shop_containers_here/containers.conf"
export CONTAINERS_STORAGE_CONF="$SHOP_CONTAINERS_DIR/storage.conf"
unset _shop_containers_here _shop_storage_conf
