#!/usr/bin/env bash
# Installs Podman and what the project's image builds need from Debian's packages, when missing (as root; otherwise
# it says what to install), and prints Podman's version. Recommends stay out: Debian's docker-compose with its
# recommends would bring docker.io and containerd. iptables is needed by netavark (which fails with "No such file or
# directory" without it); debootstrap makes the Debian base image (tools/containers/base-images.sh); docker-compose
# runs docker-compose.yml against Podman's API (tools/compose.sh: podman-compose cannot share a sidecar's network).
set -euo pipefail

packages=(podman buildah runc iptables netavark aardvark-dns debootstrap fuse-overlayfs uidmap slirp4netns catatonit
  podman-compose docker-compose)
commands=(podman buildah runc iptables /usr/lib/podman/netavark debootstrap podman-compose docker-compose)

missing() {
  local command
  for command in "${commands[@]}"; do
    if [[ "$command" == /* ]]; then [[ -x "$command" ]] || return 0; else command -v "$command" >/dev/null || return 0; fi
  done
  return 1
}

if missing; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "install-podman: Podman is missing. Install it with: sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
  started=$SECONDS
  echo "install-podman: apt-get install ${packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  echo "install-podman: installed in $((SECONDS - started)) s" >&2
fi
podman --version
