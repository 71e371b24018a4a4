#!/usr/bin/env bash
# The compose stack (nginx in front of the API replicas), detached: `make stack-up`, `make stack-down`.
#   up:   starts it (Docker engine, else podman: docker/engine.sh), waits until the proxy answers
#         /health through to an API (STACK_TIMEOUT seconds, default 600, builds included), writes
#         the proxy's base URL to test-output/stack-url and what later commands need to
#         test-output/stack.env (project, compose files, ports, data directory, engine variables).
#   down: stops everything `up` started (containers, networks, the podman service and helper).
# Honours what compose honours: PORT, EXPANSES_CSV, EXPANSES_DATA_DIR, API_REPLICAS, WORKERS,
# COMPOSE_FILE (default docker-compose.yml; CI: docker-compose.yml:docker-compose.ci.yml),
# COMPOSE_PROJECT_NAME (default expanses).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=docker/engine.sh
source docker/engine.sh

ENV_FILE=test-output/stack.env
URL_FILE=test-output/stack-url

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

up() {
    if [[ -f "$ENV_FILE" ]]; then
        echo "a stack is up already ($ENV_FILE): make stack-down first" >&2
        return 1
    fi
    mkdir -p test-output
    local state
    state=$(mktemp -d /tmp/expanses-stack.XXXXXX)
    export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-expanses}
    export COMPOSE_FILE=${COMPOSE_FILE:-docker-compose.yml}
    export PORT=${PORT:-8000}
    export EXPANSES_CSV=${EXPANSES_CSV:-/data/expanses.csv}
    EXPANSES_DATA_DIR=$(realpath "${EXPANSES_DATA_DIR:-data}")
    export EXPANSES_DATA_DIR
    # Used by docker-compose.ci.yml only: each replica's own port on the host network.
    export API_1_PORT=${API_1_PORT:-$(free_port)} API_2_PORT=${API_2_PORT:-$(free_port)}
    echo "STACK_STATE=$state" >"$ENV_FILE"  # from here on, stack-down can clean up
    trap 'echo "stack-up failed: stopping what it started" >&2; down' ERR
    engine_start "$state" "$COMPOSE_PROJECT_NAME"
    local name
    for name in COMPOSE_PROJECT_NAME COMPOSE_FILE PORT EXPANSES_CSV EXPANSES_DATA_DIR API_1_PORT API_2_PORT; do
        echo "$name=${!name}"
    done >>"$ENV_FILE"
    cat "$state/engine.env" >>"$ENV_FILE"

    echo "== docker compose up -d proxy (project $COMPOSE_PROJECT_NAME, files $COMPOSE_FILE)"
    timeout "${STACK_TIMEOUT:-600}" docker compose up -d --build proxy
    local url="http://127.0.0.1:$PORT"
    echo "== waiting for $url/health through the proxy"
    python3 - "$url/health" "${STACK_TIMEOUT:-600}" <<'PY'
import sys, time, urllib.request

url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while True:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:
            print(answer.read().decode())
            break
    except OSError as error:
        if time.monotonic() > deadline:
            sys.exit(f"{url} did not answer 200 in time: {error}")
        time.sleep(0.5)
PY
    echo "$url" >"$URL_FILE"
    echo "STACK_URL=$url" >>"$ENV_FILE"
    trap - ERR
    echo "== stack up: $url (make stack-down to stop it)"
}

down() {
    if [[ ! -f "$ENV_FILE" ]]; then
        echo "no stack is up ($ENV_FILE is absent)"
        rm -f "$URL_FILE"
        return 0
    fi
    set -a
    # shellcheck source=/dev/null
    source "$ENV_FILE"
    set +a
    if [[ -n "${COMPOSE_PROJECT_NAME:-}" ]]; then
        echo "== docker compose down (project $COMPOSE_PROJECT_NAME)"
        timeout 120 docker compose down --volumes --remove-orphans --timeout 10 || echo "compose down failed" >&2
    fi
    engine_stop "$STACK_STATE"
    rm -rf "$STACK_STATE"
    rm -f "$ENV_FILE" "$URL_FILE"
    echo "== stack down"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *)
        echo "usage: $0 up|down" >&2
        exit 2
        ;;
esac
