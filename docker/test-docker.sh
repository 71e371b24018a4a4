#!/usr/bin/env bash
# Build the images and run the stack for real: nginx in front of two API replicas, started by
# docker/stack.sh with the CI override (host network: all traffic stays on loopback), then the
# contract-test container, then from this host the contract suite and the topology tests
# (tests/topology/: slow clients, refusals, gzip, a replica killed and new data rolled out under
# load) through the proxy; the stack is stopped whatever happens. Exits non-zero if any test failed.
# Usage: docker/test-docker.sh  (from `make test-docker`, with .venv holding docker/requirements-ci.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
export COMPOSE_PROJECT_NAME=expanses-ci
export COMPOSE_FILE=docker-compose.yml:docker-compose.ci.yml
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port) API_1_PORT=$(free_port) API_2_PORT=$(free_port)
export PORT API_1_PORT API_2_PORT
# A copy of the data directory: the topology tests replace the file in it. The stack is started on it
# as the README says one's own file is served (EXPANSES_CSV=path/to/file.csv make stack-up).
STACK_DATA=$PWD/test-output/stack-data

echo "== static checks"
"$BIN/hadolint" --failure-threshold warning docker/Dockerfile
DOCKER_CONFIG=$(mktemp -d) && mkdir -p "$DOCKER_CONFIG/cli-plugins" && export DOCKER_CONFIG
ln -s "$PWD/$BIN/docker-compose" "$DOCKER_CONFIG/cli-plugins/docker-compose"
docker compose -f docker-compose.yml config -q
docker compose config -q
rm -rf "$DOCKER_CONFIG" && unset DOCKER_CONFIG

rm -rf "$STACK_DATA" && mkdir -p "$STACK_DATA" && chmod 755 "$STACK_DATA"
cp data/expanses.csv "$STACK_DATA/"
trap 'docker/stack.sh down; rm -rf "$STACK_DATA"' EXIT
EXPANSES_CSV=$STACK_DATA/expanses.csv docker/stack.sh up
set -a
# shellcheck source=/dev/null
source test-output/stack.env
set +a

status=0
echo "== the contract-test container, through the proxy at $STACK_URL"
docker compose run --rm --build contract-tests || status=$?
echo "== from this host: the contract suite and the topology tests through the proxy"
EXPANSES_STACK=test-output/stack.env API_BASE_URL=$STACK_URL \
    "$BIN/pytest" tests/contract tests/topology -p no:cacheprovider || status=$?
size=$(docker image inspect expanses-api:local --format '{{.Size}}' 2>/dev/null || echo 0)
echo "== API image expanses-api:local: $((size / 1000000)) MB; tests exited with $status"
exit "$status"
