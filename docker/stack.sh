#!/usr/bin/env bash
# The compose stack (nginx in front of the API replicas), detached: `make stack-up`, `make stack-down`.
#   up:   starts it (Docker engine, else podman: docker/engine.sh), waits until the proxy answers
#         /health through to an API (STACK_TIMEOUT seconds, default 600, builds included), writes
#         the proxy's base URL to test-output/stack-url and what later commands need to
#         test-output/stack.env (project, compose files, ports, data directory, engine variables).
#   reload: SIGHUP to every API replica (after the data file was replaced: docs/operations.md).
#   down: stops everything `up` started (containers, networks, the podman service and helper).
# Honours what compose honours: PORT, EXPANSES_DATA_DIR, API_REPLICAS, WORKERS,
# COMPOSE_FILE (default docker-compose.yml; CI: docker-compose.yml:docker-compose.ci.yml),
# COMPOSE_PROJECT_NAME (default expanses); and EXPANSES_CSV as `make run` takes it, a CSV on
# this machine: its directory is mounted at /data and the replicas read /data/<its name>.
# If the stack fails to start, the replicas' last log lines are printed before it is removed.
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
    data_file_into_the_container || return 1
    if [[ -f "$ENV_FILE" ]]; then
        echo "a stack is up already ($ENV_FILE): make stack-down first" >&2
        return 1
    fi
    export EXPANSES_CSV EXPANSES_DATA_DIR
    mkdir -p test-output
    local state
    state=$(mktemp -d /tmp/expanses-stack.XXXXXX)
    export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-expanses}
    export COMPOSE_FILE=${COMPOSE_FILE:-docker-compose.yml}
    export PORT=${PORT:-8000}
    # Used by docker-compose.ci.yml only: each replica's own port on the host network.
    export API_1_PORT=${API_1_PORT:-$(free_port)} API_2_PORT=${API_2_PORT:-$(free_port)}
    echo "STACK_STATE=$state" >"$ENV_FILE"  # from here on, stack-down can clean up
    trap 'echo "stack-up failed: the replicas last words, then stopping what it started" >&2; last_words; down' ERR
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

# EXPANSES_CSV as `make run` takes it (a file on this machine) becomes its directory, mounted at
# /data, and /data/<name>; a path inside the container (/data/...) is taken as it is. Anything
# else is refused here, with the fix, before anything starts.
data_file_into_the_container() {
    local given=${EXPANSES_CSV:-}
    if [[ -z "$given" ]]; then
        EXPANSES_DATA_DIR=$(realpath "${EXPANSES_DATA_DIR:-data}")
        EXPANSES_CSV=/data/expanses.csv
    elif [[ -f "$given" ]]; then
        EXPANSES_DATA_DIR=$(dirname "$(realpath "$given")")
        EXPANSES_CSV=/data/$(basename "$given")
    elif [[ "$given" == /data/* && -f "${EXPANSES_DATA_DIR:-data}/${given#/data/}" ]]; then
        EXPANSES_DATA_DIR=$(realpath "${EXPANSES_DATA_DIR:-data}")
        EXPANSES_CSV=$given
    else
        echo "stack-up: EXPANSES_CSV=$given is not a file on this machine; name your CSV as for make run: EXPANSES_CSV=path/to/file.csv make stack-up" >&2
        return 1
    fi
}

# The last lines of every API replica's log (the API says why it would not start), and the proxy's.
last_words() {
    local service
    for service in $(docker compose ps --all --services 2>/dev/null | grep -E '^(api(-[0-9]+)?|proxy)$'); do
        echo "== docker compose logs --tail 20 $service" >&2
        docker compose logs --no-color --tail 20 "$service" >&2 || true
    done
}

reload() {
    if [[ ! -f "$ENV_FILE" ]]; then
        echo "no stack is up ($ENV_FILE is absent): make stack-up first" >&2
        return 1
    fi
    set -a
    # shellcheck source=/dev/null
    source "$ENV_FILE"
    set +a
    local replicas
    replicas=$(docker compose ps --services | grep -E '^api(-[0-9]+)?$' | tr '\n' ' ')
    echo "== docker compose kill -s HUP $replicas"
    # shellcheck disable=SC2086  # one word per service
    docker compose kill -s HUP $replicas
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
    reload) reload ;;
    down) down ;;
    *)
        echo "usage: $0 up|reload|down" >&2
        exit 2
        ;;
esac
