#!/usr/bin/env bash
# Build the images and run `docker compose up` for real: the API plus the contract-test container,
# exiting with the tests' code. Uses a Docker engine when one answers; otherwise podman (as root)
# through its Docker-compatible socket, with a stand-in Debian base image built by mmdebstrap
# (no registry here). All traffic stays on loopback (docker-compose.ci.yml: host networking).
# Usage: docker/test-docker.sh  (from `make test-docker`, with .venv holding docker/requirements-ci.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
WORK=$(mktemp -d /tmp/expanses-docker.XXXXXX)
export DOCKER_CONFIG="$WORK/docker-config"
mkdir -p "$DOCKER_CONFIG/cli-plugins"
ln -s "$PWD/$BIN/docker-compose" "$DOCKER_CONFIG/cli-plugins/docker-compose"
COMPOSE=(docker compose -p expanses-ci -f docker-compose.yml -f docker-compose.ci.yml)
PIDS=()

cleanup() {
    "${COMPOSE[@]}" down --volumes --timeout 10 >/dev/null 2>&1 || true
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== static checks"
"$BIN/hadolint" --failure-threshold warning docker/Dockerfile
docker compose -f docker-compose.yml config -q
"${COMPOSE[@]}" config -q

if docker info >/dev/null 2>&1; then
    echo "== using the Docker engine"
else
    echo "== no Docker engine: using podman"
    if ! command -v podman >/dev/null || ! command -v mmdebstrap >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc containernetworking-plugins mmdebstrap
    fi
    export CONTAINERS_CONF="$WORK/containers.conf"
    cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    BASE=localhost/expanses-python:bookworm
    if ! podman image exists "$BASE"; then
        mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
            awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
        echo "== building the stand-in base image $BASE from $mirror"
        mmdebstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates,passwd \
            --customize-hook='copy-in /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/' \
            bookworm - "$mirror" |
            podman import --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
                --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["python3"]' - "$BASE"
    fi
    export PYTHON_IMAGE="$BASE"
    podman system service --time=0 "unix://$WORK/podman.sock" >"$WORK/podman-service.log" 2>&1 &
    PIDS+=($!)
    export DOCKER_HOST="unix://$WORK/podman.sock"
    for _ in $(seq 50); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    # Nothing schedules healthchecks without systemd: run them while compose waits for "healthy".
    (while true; do
        for id in $(podman ps -q --filter label=com.docker.compose.service=api); do
            podman healthcheck run "$id" >/dev/null 2>&1 || true
        done
        sleep 2
    done) &
    PIDS+=($!)
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT
echo "== docker compose up (API on 127.0.0.1:$PORT)"
status=0
"${COMPOSE[@]}" up --build --abort-on-container-exit --exit-code-from contract-tests || status=$?
size=$(docker image inspect expanses-api:local --format '{{.Size}}' 2>/dev/null || echo 0)
echo "== API image expanses-api:local: $((size / 1000000)) MB; contract tests exited with $status"
exit "$status"
