"""The Kubernetes pod's nginx sidecar config, run by Debian's nginx against a real gunicorn.

deploy/kubernetes/deployment.yaml's nginx container renders two templates from ConfigMap
`expanses-nginx`: docker/nginx/default.conf.template (the public port, shared with compose)
and deploy/kubernetes/nginx/metrics.conf.template (the API's /metrics for Prometheus, on a
port no Service targets). Here both are rendered with the container's own environment and
checked by `nginx -t`; then run on loopback, with the ports moved to free ones, in front of
one gunicorn.
"""

from __future__ import annotations

import http.client
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import SAMPLE_CSV
from tests.helpers.live_server import free_port
from tests.helpers.nginx_proxy import NGINX_MISSING, Api, Proxy, nginx_binary, render, running_apis, write_config

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason=NGINX_MISSING)

MANIFESTS = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"


def sidecar() -> tuple[dict[str, str], dict[str, str]]:
    """The nginx container's environment and the ConfigMap's templates, as deployed."""
    deployment = yaml.safe_load((MANIFESTS / "deployment.yaml").read_text(encoding="utf-8"))
    [nginx] = [c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "nginx"]
    configmap = yaml.safe_load((MANIFESTS / "configmap-nginx.yaml").read_text(encoding="utf-8"))
    return {v["name"]: v["value"] for v in nginx["env"]}, configmap["data"]


def configure(prefix: Path, settings: dict[str, str], metrics_template: str) -> None:
    write_config(prefix, settings)  # nginx.conf and conf.d/default.conf from docker/nginx's template
    (prefix / "conf.d" / "metrics.conf").write_text(render(metrics_template, settings), encoding="utf-8")


def nginx_check(prefix: Path) -> tuple[int, str]:
    binary = nginx_binary()
    assert binary is not None
    check = subprocess.run(
        [binary, "-t", "-q", "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return check.returncode, check.stdout + check.stderr


def test_the_deployed_sidecar_config_passes_nginx_t(tmp_path: Path) -> None:
    settings, templates = sidecar()
    assert templates["default.conf.template"] == (
        Path(__file__).resolve().parents[2] / "docker" / "nginx" / "default.conf.template"
    ).read_text(encoding="utf-8")
    configure(tmp_path / "prefix", settings, templates["metrics.conf.template"])
    status, output = nginx_check(tmp_path / "prefix")
    assert status == 0, output


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    with running_apis(SAMPLE_CSV, count=1, workers=1) as [replica]:
        yield replica


@pytest.fixture(scope="module")
def ports(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """(public port, metrics port) of the sidecar config, moved to free loopback ports."""
    settings, templates = sidecar()
    public, metrics = free_port(), free_port()
    settings = {**settings, "PROXY_LISTEN": f"127.0.0.1:{public}", "PROXY_UPSTREAM_SERVERS": f"server {api.address};"}
    template = templates["metrics.conf.template"]
    assert template.count("listen 8081;") == 1 and template.count("http://127.0.0.1:8000;") == 1
    template = template.replace("listen 8081;", f"listen 127.0.0.1:{metrics};")
    template = template.replace("http://127.0.0.1:8000;", f"http://{api.address};")
    prefix = tmp_path_factory.mktemp("sidecar") / "prefix"
    configure(prefix, settings, template)
    status, output = nginx_check(prefix)
    assert status == 0, output
    binary = nginx_binary()
    assert binary is not None
    proxy = Proxy(binary, prefix, public)
    try:
        proxy.wait_until_listening()
        yield public, metrics
    finally:
        proxy.stop()


def get(port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": "expanses.test"})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def errors(body: bytes) -> list[dict[str, Any]]:
    return list(json.loads(body)["errors"])


def test_the_metrics_port_passes_metrics_to_the_api_and_nothing_else(api: Api, ports: tuple[int, int]) -> None:
    public, metrics = ports
    api_port = int(api.address.rpartition(":")[2])
    # The API's own metrics page, through the sidecar's metrics port (its counts move between two asks).
    for port in (metrics, api_port):
        status, body = get(port, "/metrics")
        assert status == 200 and b"# TYPE expanses_requests_total counter" in body
    status, _ = get(metrics, "/expanses")
    assert status == 404
    status, _ = get(metrics, "/metrics", method="POST")
    assert status == 403


def test_the_public_port_serves_the_api_and_hides_metrics(ports: tuple[int, int]) -> None:
    public, _ = ports
    status, body = get(public, "/expanses/1")
    assert status == 200 and json.loads(body)["data"]["id"] == "1"
    status, body = get(public, "/metrics")
    assert status == 404
    assert "id" in errors(body)[0], "answered by nginx itself (its error documents carry the request id)"
