"""Run the product's nginx config (docker/nginx/) with Debian's nginx on loopback, for tests.

The template is rendered as the official image renders it (envsubst of the variables defined,
here docker/nginx/proxy.env's defaults plus a test's overrides) and included inside an `http`
block that mirrors the image's /etc/nginx/nginx.conf, with every path in a temporary prefix.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.live_server import Server, free_port, start

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "docker" / "nginx" / "default.conf.template"
SETTINGS = REPO / "docker" / "nginx" / "proxy.env"
NGINX_MISSING = "nginx is not installed (make pytest installs Debian's package with apt-get)"

# envsubst's two forms, $NAME and ${NAME}; only names given a value are replaced.
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")

# The official image's nginx.conf, with the paths it takes from its build moved into `prefix`.
_MAIN_CONF = """\
user {user} {group};
worker_processes 1;
error_log {prefix}/error.log info;
pid {prefix}/nginx.pid;
daemon off;

events {{
    worker_connections 1024;
}}

http {{
    {mime_types}
    default_type application/octet-stream;
    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for"';
    access_log {prefix}/access.log main;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {prefix}/client_body_temp;
    proxy_temp_path {prefix}/proxy_temp;
    fastcgi_temp_path {prefix}/fastcgi_temp;
    uwsgi_temp_path {prefix}/uwsgi_temp;
    scgi_temp_path {prefix}/scgi_temp;

    include {prefix}/conf.d/*.conf;
}}
"""


def nginx_binary() -> str | None:
    """Debian's nginx, found on PATH or in /usr/sbin (not on a non-root user's PATH)."""
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


def default_settings() -> dict[str, str]:
    """docker/nginx/proxy.env as compose's env_file reads it: NAME=value lines, # comments."""
    settings = {}
    for line in SETTINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value
    return settings


def render(template: str, variables: Mapping[str, str]) -> str:
    """Substitute `variables` as envsubst does; every other `$name` (nginx's own) stays."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return variables[name] if name in variables else match.group(0)

    return _VARIABLE.sub(replace, template)


class Proxy:
    """An nginx master process (with `daemon off`) serving the rendered template."""

    def __init__(self, binary: str, prefix: Path, port: int) -> None:
        self.prefix = prefix
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.stdout = prefix / "stdout.log"
        command = [binary, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")]
        with self.stdout.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        """What nginx logged: its stdout (the template's access log) and its error log."""
        error_log = self.prefix / "error.log"
        errors = error_log.read_text(encoding="utf-8", errors="replace") if error_log.exists() else ""
        return self.stdout.read_text(encoding="utf-8", errors="replace") + errors

    def wait_for_log(self, text: str, seconds: float = 5) -> None:
        """Return once `text` is in nginx's output (a line is logged after its answer is sent)."""
        deadline = time.monotonic() + seconds
        while text not in self.output():
            assert time.monotonic() < deadline, (
                f"nginx did not log {text!r} within {seconds:g} s\n{self.output()[-3000:]}"
            )
            time.sleep(0.05)

    def wait_until_listening(self, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert self.process.poll() is None, self.output()
                assert time.monotonic() < deadline, f"nginx did not listen within {seconds:g} s\n{self.output()}"
                time.sleep(0.05)

    def stop(self) -> None:
        """Fast shutdown (SIGTERM); master and workers killed if they outlive 10 s."""
        children = child_pids(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill_tree(self.process.pid)
            self.process.wait(timeout=10)
        for pid in children:
            _kill(pid)


def write_config(prefix: Path, settings: Mapping[str, str]) -> None:
    """nginx.conf and conf.d/default.conf (the rendered template) under `prefix`."""
    (prefix / "conf.d").mkdir(parents=True)
    rendered = render(TEMPLATE.read_text(encoding="utf-8"), settings)
    left = sorted(set(re.findall(r"\$\{?PROXY_[A-Z0-9_]+", rendered)))
    assert not left, f"settings missing from the test's environment: {left}"
    (prefix / "conf.d" / "default.conf").write_text(rendered, encoding="utf-8")
    mime_types = Path("/etc/nginx/mime.types")
    main = _MAIN_CONF.format(
        user=pwd.getpwuid(os.getuid()).pw_name,
        group=grp.getgrgid(os.getgid()).gr_name,
        prefix=prefix,
        mime_types=f"include {mime_types};" if mime_types.exists() else "",
    )
    (prefix / "nginx.conf").write_text(main, encoding="utf-8")


@contextmanager
def running_proxy(prefix: Path, upstreams: Sequence[str], **overrides: str) -> Iterator[Proxy]:
    """nginx on a free loopback port in front of `upstreams` (host:port); always stopped.

    `overrides` replace docker/nginx/proxy.env's settings (PROXY_RATE_LIMIT="on", ...).
    """
    binary = nginx_binary()
    assert binary is not None, NGINX_MISSING
    port = free_port()
    settings = {
        **default_settings(),
        "PROXY_LISTEN": f"127.0.0.1:{port}",
        "PROXY_UPSTREAM_SERVERS": " ".join(f"server {address};" for address in upstreams),
        **overrides,
    }
    write_config(prefix, settings)
    check = subprocess.run(
        [binary, "-t", "-q", "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    proxy = Proxy(binary, prefix, port)
    try:
        proxy.wait_until_listening()
        yield proxy
    finally:
        proxy.stop()


class Api:
    """One API replica: gunicorn on 127.0.0.1, trusting the proxy's forwarding headers."""

    def __init__(self, csv_path: Path, workers: int) -> None:
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.server: Server = start(csv_path, self.port, workers, extra_env={"FORWARDED_ALLOW_IPS": "127.0.0.1"})

    def kill(self) -> None:
        """SIGKILL the master and its workers: the replica dies as a crashed container does."""
        kill_tree(self.server.process.pid)
        self.server.wait(timeout=10)


@contextmanager
def running_apis(csv_path: Path, count: int, workers: int = 1) -> Iterator[list[Api]]:
    """`count` replicas serving `csv_path`, ready; stopped with SIGTERM (or found dead) at the end."""
    apis: list[Api] = []
    try:
        for _ in range(count):
            apis.append(Api(csv_path, workers))
        for api in apis:
            api.server.wait_until_ready(f"http://{api.address}", seconds=60)  # 2 cores shared: starts can be slow
        yield apis
    finally:
        for api in apis:
            if api.server.process.poll() is None:
                api.server.process.send_signal(signal.SIGTERM)
        for api in apis:
            try:
                api.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill_tree(api.server.process.pid)
                api.server.wait(timeout=10)
            api.server.close()


def child_pids(parent: int) -> list[int]:
    """Processes whose parent is `parent` (from /proc: no library needed)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return children


def kill_tree(pid: int) -> None:
    """SIGKILL a process, then the children it had (a server we started, by its pids).

    The parent first, so that a gunicorn master cannot replace the workers killed after it.
    """
    children = child_pids(pid)
    _kill(pid)
    for child in children:
        _kill(child)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
