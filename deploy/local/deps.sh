#!/usr/bin/env bash
# Install the Debian 12 packages Halyard needs to build, run and test, when
# any is missing. Quiet and quick when everything is there already.
# Never starts a system service: the project runs its own private RabbitMQ,
# PostgreSQL and nginx (deploy/local/stack.sh).
set -euo pipefail
HALYARD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

PACKAGES=(
    build-essential pkg-config
    rabbitmq-server postgresql nginx-light
    librabbitmq-dev libxml2-dev libevent-dev libjansson-dev libpq-dev
    libssl-dev zlib1g-dev libcmocka-dev
    python3-pytest python3-pika python3-jsonschema python3-psycopg2
    procps iproute2 curl
)

# Print the packages among the arguments that are not fully installed.
not_installed() {
    local have
    # One dpkg-query for all (one per package costs a second in total); it
    # exits 1 when a package is unknown, which only means "not installed".
    have=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
        awk '$NF == "installed" && $(NF-1) == "ok" {sub(/:.*/, "", $1); print $1}' || true)
    local p
    for p in "$@"; do
        grep -qxF "$p" <<<"$have" || echo "$p"
    done
}

# Node.js runs the Node example worker (its tests); the machine may already
# have a newer one than Debian's, which is fine (>= 18).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    PACKAGES+=(nodejs npm)
fi

# The Node example's modules (amqplib), from the npm registry, pinned by
# examples/node/package-lock.json; reinstalled only when the lock changed.
node_modules() {
    local dir=$HALYARD_ROOT/examples/node
    [[ -f $dir/package-lock.json ]] || return 0
    if [[ ! -f $dir/node_modules/.package-lock.json ||
        $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
        echo "deps: npm ci in examples/node" >&2
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
    fi
}

mapfile -t missing < <(not_installed "${PACKAGES[@]}")
if ((${#missing[@]} == 0)); then
    node_modules
    exit 0
fi

echo "deps: installing ${missing[*]}" >&2

SUDO=()
if ((EUID != 0)); then
    command -v sudo >/dev/null || {
        echo "deps: not root and no sudo; install as root: ${missing[*]}" >&2
        exit 1
    }
    SUDO=(sudo)
fi

# A policy-rc.d that exits 101 tells invoke-rc.d (used by the maintainer
# scripts of rabbitmq-server, postgresql and nginx) not to start anything.
# Only ours is removed afterwards; an existing one is left alone.
POLICY=/usr/sbin/policy-rc.d
own_policy=0
cleanup() {
    if ((own_policy)); then "${SUDO[@]}" rm -f "$POLICY"; fi
}
trap cleanup EXIT
if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# written by halyard deploy/local/deps.sh during apt-get install\nexit 101\n' |
        "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    own_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null

still=$(not_installed "${missing[@]}")
if [[ -n $still ]]; then
    echo "deps: still not installed: $still" >&2
    exit 1
fi
node_modules
echo "deps: done" >&2
