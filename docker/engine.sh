# Sourced by docker/test-docker.sh and docker/stack.sh (bash, set -euo pipefail, cwd = repository root):
# a `docker compose` that works here. Uses a Docker engine when one answers; otherwise podman (as
# root) through its Docker-compatible socket, with stand-in images built by mmdebstrap for
# python:3.12-slim and the official nginx image (no registry reachable), and a helper that runs
# the healthchecks (nothing schedules them without systemd).
#
# engine_start STATE PROJECT: STATE is a directory kept until engine_stop STATE; writes
#   STATE/engine.env (the variables exported here, for later commands) and STATE/pids.
# engine_stop STATE: stops the podman service and the helper started by engine_start.

engine_start() {
    local state=$1 project=$2
    export DOCKER_CONFIG="$state/docker-config"
    mkdir -p "$DOCKER_CONFIG/cli-plugins"
    ln -sf "$PWD/.venv/bin/docker-compose" "$DOCKER_CONFIG/cli-plugins/docker-compose"
    : >"$state/pids"
    if docker info >/dev/null 2>&1; then
        echo "== using the Docker engine"
        _engine_save "$state"
        return
    fi
    echo "== no Docker engine: using podman"
    if ! command -v podman >/dev/null || ! command -v mmdebstrap >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc containernetworking-plugins mmdebstrap
    fi
    export CONTAINERS_CONF="$state/containers.conf"
    cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    _standin_python
    _standin_nginx
    setsid podman system service --time=0 "unix://$state/podman.sock" </dev/null >"$state/podman-service.log" 2>&1 &
    local service=$!
    echo "$service" >>"$state/pids"
    export DOCKER_HOST="unix://$state/podman.sock"
    local deadline=$((SECONDS + 30))
    until docker info >/dev/null 2>&1; do
        if ((SECONDS > deadline)); then echo "podman's socket did not answer within 30 s" >&2; return 1; fi
        sleep 0.2
    done
    # Runs the project's healthchecks every 2 s while the podman service lives.
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do
            for id in $(podman ps -q --filter "label=com.docker.compose.project=$2"); do
                podman healthcheck run "$id" >/dev/null 2>&1 || true
            done
            sleep 2
        done' healthchecks "$service" "$project" </dev/null >/dev/null 2>&1 &
    echo "$!" >>"$state/pids"
    _engine_save "$state"
}

engine_stop() {
    local state=$1 pid
    [[ -f "$state/pids" ]] || return 0
    while read -r pid; do
        kill "$pid" 2>/dev/null || true
    done <"$state/pids"
    : >"$state/pids"
}

_engine_save() {
    local name
    for name in DOCKER_CONFIG DOCKER_HOST CONTAINERS_CONF PYTHON_IMAGE NGINX_IMAGE; do
        if [[ -n "${!name:-}" ]]; then echo "$name=${!name}"; fi
    done >"$1/engine.env"
}

_debian_mirror() {
    awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
        awk '/^deb / {print $2; exit}' /etc/apt/sources.list
}

# python:3.12-slim's stand-in: Debian bookworm's python3.
_standin_python() {
    export PYTHON_IMAGE=localhost/expanses-python:bookworm
    podman image exists "$PYTHON_IMAGE" && return
    echo "== building the stand-in base image $PYTHON_IMAGE"
    mmdebstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates,passwd \
        --customize-hook='copy-in /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/' \
        bookworm - "$(_debian_mirror)" |
        podman import --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
            --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["python3"]' - "$PYTHON_IMAGE"
}

# The official nginx image's stand-in: Debian bookworm's nginx with the image's nginx.conf, user
# (nginx, uid 101), log links and template rendering (docker/nginx/standin/). Tagged by the
# content of those files and of this function, so a change to either builds a new one.
_standin_nginx() {
    local tag
    tag=$( (declare -f _standin_nginx; cat docker/nginx/standin/*) | sha256sum | cut -c1-12)
    export NGINX_IMAGE="localhost/expanses-nginx:bookworm-$tag"
    podman image exists "$NGINX_IMAGE" && return
    echo "== building the stand-in nginx image $NGINX_IMAGE"
    mmdebstrap --variant=minbase --include=nginx,gettext-base,wget,passwd \
        --customize-hook='chroot "$1" useradd --system --uid 101 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nginx' \
        --customize-hook='copy-in docker/nginx/standin/nginx.conf /etc/nginx/' \
        --customize-hook='copy-in docker/nginx/standin/docker-entrypoint.sh /' \
        --customize-hook='rm -f "$1"/etc/nginx/sites-enabled/default; mkdir -p "$1"/etc/nginx/templates "$1"/var/cache/nginx' \
        --customize-hook='ln -sf /dev/stdout "$1"/var/log/nginx/access.log; ln -sf /dev/stderr "$1"/var/log/nginx/error.log' \
        bookworm - "$(_debian_mirror)" |
        podman import --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' --change 'CMD ["nginx", "-g", "daemon off;"]' \
            --change 'STOPSIGNAL SIGQUIT' --change 'EXPOSE 80' - "$NGINX_IMAGE"
}
