#!/usr/bin/env bash
# docker-compose.yml under Podman, or Docker: `bash tools/compose.sh <compose arguments>`, e.g. `up -d`, `ps`,
# `logs -f gateway`, `down`. The project is COMPOSE_PROJECT_NAME (default `shop`).
#
# With Podman (tools/containers/env.sh: the project's settings and image store), the client is Debian's
# docker-compose 1.29 against Podman's Docker-compatible API on a socket of the store's, started here when none
# answers and ending by itself after five idle minutes (the containers do not depend on it). Not podman-compose
# (1.0.3 in Debian): it passes `network_mode: service:<app>`, the sidecars' shared network namespace, to Podman
# unchanged, which refuses it. Without Podman, Docker's own `docker compose` runs.
#
# `down` also removes what docker-compose 1.29 leaves under Podman: it removes containers in parallel, and Podman
# refuses to remove an app container while its sidecar (in its network namespace) still exists.
# `bash tools/compose.sh --save-logs DIR` writes each container's log (DIR/<container>.log) and their states
# (DIR/ps.txt) straight from the engine: docker-compose's own `logs` and `ps` stop at the first container gone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-shop}"

engine=docker
if command -v podman >/dev/null; then engine=podman; fi

save_logs() {
  local dir="$1" name
  mkdir -p "$dir"
  local project=(--filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
  "$engine" ps -a "${project[@]}" >"$dir/ps.txt" 2>&1 || true
  for name in $("$engine" ps -a "${project[@]}" --format '{{.Names}}'); do
    "$engine" logs --timestamps "$name" >"$dir/$name.log" 2>&1 || true
  done
}

if [[ "$engine" == docker ]]; then
  if [[ "${1:-}" == --save-logs ]]; then save_logs "$2"; exit 0; fi
  exec docker compose --project-directory "$root" "$@"
fi

# shellcheck source=containers/env.sh
. "$root/tools/containers/env.sh"
if ! command -v docker-compose >/dev/null; then
  echo "compose.sh: docker-compose is missing (bash tools/containers/install-podman.sh installs it)" >&2
  exit 1
fi

if [[ "${1:-}" == --save-logs ]]; then save_logs "$2"; exit 0; fi

socket="$SHOP_CONTAINERS_DIR/podman-api.sock"
answers() { curl -sf --max-time 2 --unix-socket "$socket" http://podman/_ping >/dev/null 2>&1; }
if ! answers; then
  rm -f "$socket"
  # setsid: the service outlives this script (and a test run's process group) until it idles out.
  setsid podman system service --time=300 "unix://$socket" >>"$SHOP_CONTAINERS_DIR/podman-api.log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do answers && break; sleep 0.1; done
  answers || { echo "compose.sh: Podman's API did not answer on $socket:" >&2; tail -20 "$SHOP_CONTAINERS_DIR/podman-api.log" >&2; exit 1; }
fi
export DOCKER_HOST="unix://$socket"

compose=(docker-compose --project-directory "$root")
down=false
for argument in "$@"; do [[ "$argument" == down ]] && down=true; done
if [[ "$down" == false ]]; then exec "${compose[@]}" "$@"; fi

# The files given before `down` (-f ...) are compose's own options: keep them.
"${compose[@]}" "$@" >"$SHOP_CONTAINERS_DIR/compose-down.log" 2>&1 || true
project=(--filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
leftovers="$(podman ps -aq "${project[@]}")"
# --depend: each app's sidecar first, which shares its network namespace.
# shellcheck disable=SC2086
if [[ -n "$leftovers" ]]; then podman rm -f -t 1 --depend $leftovers >/dev/null 2>&1 || true; fi
podman network rm -f "${COMPOSE_PROJECT_NAME}_default" >/dev/null 2>&1 || true
if [[ " $* " =~ \ (-v|--volumes)\  ]]; then
  # shellcheck disable=SC2046
  podman volume rm -f $(podman volume ls -q "${project[@]}") >/dev/null 2>&1 || true
fi
if [[ -n "$(podman ps -aq "${project[@]}")" ]]; then
  echo "compose.sh: containers of $COMPOSE_PROJECT_NAME remain:" >&2
  podman ps -a "${project[@]}" >&2
  cat "$SHOP_CONTAINERS_DIR/compose-down.log" >&2
  exit 1
fi
