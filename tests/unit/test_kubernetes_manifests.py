"""deploy/kubernetes/: every document valid for Kubernetes 1.31, and the properties we rely on.

Validation is schema-only and offline (kubernetes-validate's bundled JSON schemas, strict:
an unknown or misspelled field is an error); no cluster runs these manifests here.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from deploy import render_kubernetes

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = REPO / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.31.0"
PROXY_ENV = REPO / "docker" / "nginx" / "proxy.env"


def manifest_files() -> list[Path]:
    """The files `kubectl apply -f deploy/kubernetes/` reads: *.json, *.yaml, *.yml, not recursive."""
    return sorted(p for p in MANIFESTS.iterdir() if p.is_file() and p.suffix in {".json", ".yaml", ".yml"})


def documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in manifest_files():
        for index, document in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8"))):
            if document is not None:
                found.append((f"{path.name}#{index}", document))
    return found


def only(kind: str) -> dict[str, Any]:
    matching = [document for _, document in documents() if document["kind"] == kind]
    assert len(matching) == 1, f"expected one {kind}, found {len(matching)}"
    return matching[0]


def containers() -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in only("Deployment")["spec"]["template"]["spec"]["containers"]}


def env(container: dict[str, Any]) -> dict[str, str]:
    return {variable["name"]: variable["value"] for variable in container.get("env", [])}


def validate(document: dict[str, Any]) -> None:
    """Strict schema validation for KUBERNETES_VERSION; a kind without a schema is an error too."""
    try:
        checked_against = kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError as error:
        pytest.fail(error.message)
    assert checked_against == "1.31", f"schemas of Kubernetes {checked_against} used, not 1.31"


@pytest.mark.parametrize(("name", "document"), documents(), ids=[name for name, _ in documents()])
def test_every_document_is_valid_for_kubernetes_1_31_in_strict_mode(name: str, document: dict[str, Any]) -> None:
    validate(document)


def test_the_expected_resources_and_nothing_else() -> None:
    kinds = sorted(document["kind"] for _, document in documents())
    assert kinds == [
        "ConfigMap",
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Service",
    ]


def test_strict_validation_rejects_a_misspelled_field() -> None:
    """The validator is not lenient: `replica` for `replicas`, or a typo deep in a container, fails."""
    deployment = only("Deployment")
    misspelled = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError, match="replica"):
        kubernetes_validate.validate(misspelled, KUBERNETES_VERSION, strict=True)
    deep = yaml.safe_load((MANIFESTS / "deployment.yaml").read_text(encoding="utf-8"))
    deep["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFileSystem"] = True
    with pytest.raises(kubernetes_validate.ValidationError, match="readOnlyRootFileSystem"):
        kubernetes_validate.validate(deep, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_lists_exactly_the_manifests() -> None:
    kustomization = yaml.safe_load((MANIFESTS / "Kustomization").read_text(encoding="utf-8"))
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == [path.name for path in manifest_files()]


def test_generated_files_are_up_to_date() -> None:
    """configmap-*.yaml and the checksum annotations are what `make k8s-manifests` writes now."""
    for path, text in render_kubernetes.rendered().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make k8s-manifests`"


def test_the_data_configmap_holds_the_shipped_sample() -> None:
    configmap = yaml.safe_load((MANIFESTS / "configmap-data.yaml").read_text(encoding="utf-8"))
    assert configmap["metadata"]["name"] == "expanses-data"
    assert configmap["data"] == {"expanses.csv": (REPO / "data" / "expanses.csv").read_text(encoding="utf-8")}


def test_the_nginx_configmap_holds_the_same_template_file_as_compose_and_the_proxy_tests() -> None:
    configmap = yaml.safe_load((MANIFESTS / "configmap-nginx.yaml").read_text(encoding="utf-8"))
    assert configmap["metadata"]["name"] == "expanses-nginx"
    assert configmap["data"] == {
        "default.conf.template": (REPO / "docker" / "nginx" / "default.conf.template").read_text(encoding="utf-8"),
        "metrics.conf.template": (MANIFESTS / "nginx" / "metrics.conf.template").read_text(encoding="utf-8"),
    }


def test_a_changed_file_changes_the_pod_template() -> None:
    """The checksum annotations follow the files, so `kubectl apply` rolls the pods on new data."""
    annotations = only("Deployment")["spec"]["template"]["metadata"]["annotations"]
    data = render_kubernetes.data_texts()
    assert annotations["checksum/data"] == render_kubernetes.checksum(data)
    assert annotations["checksum/nginx"] == render_kubernetes.checksum(render_kubernetes.nginx_texts())
    changed = {"expanses.csv": data["expanses.csv"] + "Sales,X,1.00€,1/1/2024,Sam\n"}
    assert render_kubernetes.checksum(changed) != annotations["checksum/data"]


def test_deployment_replicas_and_rolling_update_never_go_below_the_replica_count() -> None:
    spec = only("Deployment")["spec"]
    assert spec["replicas"] >= 2
    assert spec["strategy"]["type"] == "RollingUpdate"
    assert spec["strategy"]["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": 1}
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()


def test_the_api_has_startup_readiness_and_liveness_probes_on_health() -> None:
    api = containers()["api"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        command = " ".join(api[probe]["exec"]["command"])
        assert "http://127.0.0.1:8000/health" in command, probe
        assert api[probe]["timeoutSeconds"] > 3, f"{probe}: longer than the command's own 3 s timeout"
    startup = api["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300, "5 minutes to load a large file"


def test_the_nginx_sidecar_is_ready_only_when_a_request_reaches_the_api() -> None:
    nginx = containers()["nginx"]
    assert nginx["readinessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert nginx["livenessProbe"]["tcpSocket"] == {"port": "http"}


@pytest.mark.parametrize("name", ["api", "nginx"])
def test_every_container_is_locked_down_and_sized(name: str) -> None:
    container = containers()[name]
    context = container["securityContext"]
    assert context["runAsNonRoot"] is True
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}
    assert context["runAsUser"] != 0
    resources = container["resources"]
    assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}
    pod = only("Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False


def test_the_api_runs_as_the_image_user_with_a_writable_tmp_and_the_data_mounted() -> None:
    api = containers()["api"]
    assert api["securityContext"]["runAsUser"] == 10001
    volumes = {v["name"]: v for v in only("Deployment")["spec"]["template"]["spec"]["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in api["volumeMounts"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    data_dir, _, data_key = env(api)["EXPANSES_CSV"].rpartition("/")
    assert volumes[mounts[data_dir]]["configMap"]["name"] == "expanses-data"
    assert data_key in yaml.safe_load((MANIFESTS / "configmap-data.yaml").read_text(encoding="utf-8"))["data"]


def test_gunicorn_is_reachable_only_through_the_sidecar() -> None:
    api, nginx = containers()["api"], containers()["nginx"]
    assert env(api)["HOST"] == "127.0.0.1"
    assert env(api)["FORWARDED_ALLOW_IPS"] == "127.0.0.1"
    assert env(nginx)["PROXY_UPSTREAM_SERVERS"] == f"server 127.0.0.1:{env(api)['PORT']};"


def test_the_sidecar_sets_every_proxy_setting_and_renders_the_configmap() -> None:
    nginx = containers()["nginx"]
    defined = {
        line.partition("=")[0].strip()
        for line in PROXY_ENV.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    settings = env(nginx)
    assert {name for name in settings if name.startswith("PROXY_")} == defined
    assert settings["NGINX_ENVSUBST_FILTER"] == "PROXY_"
    assert nginx["image"].startswith("nginx:") and nginx["image"] != "nginx:latest"
    volumes = {v["name"]: v for v in only("Deployment")["spec"]["template"]["spec"]["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in nginx["volumeMounts"]}
    assert volumes[mounts["/etc/nginx/templates"]]["configMap"]["name"] == "expanses-nginx"
    for writable in ("/etc/nginx/conf.d", "/var/cache/nginx", "/run"):
        assert "emptyDir" in volumes[mounts[writable]], writable


def test_the_service_targets_the_nginx_port_only() -> None:
    service = only("Service")
    nginx_ports = {port["name"]: port["containerPort"] for port in containers()["nginx"]["ports"]}
    assert [port["targetPort"] for port in service["spec"]["ports"]] == ["http"]
    assert str(nginx_ports["http"]) == env(containers()["nginx"])["PROXY_LISTEN"]
    labels = only("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()


def test_prometheus_scrapes_the_sidecars_metrics_port_not_the_service_port() -> None:
    annotations = only("Deployment")["spec"]["template"]["metadata"]["annotations"]
    nginx_ports = {port["name"]: port["containerPort"] for port in containers()["nginx"]["ports"]}
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert annotations["prometheus.io/port"] == str(nginx_ports["metrics"])
    metrics_conf = (MANIFESTS / "nginx" / "metrics.conf.template").read_text(encoding="utf-8")
    assert f"listen {nginx_ports['metrics']};" in metrics_conf
    assert "proxy_pass http://127.0.0.1:8000;" in metrics_conf
    assert nginx_ports["metrics"] not in [port.get("targetPort") for port in only("Service")["spec"]["ports"]]


def test_the_autoscaler_keeps_at_least_two_replicas_on_cpu() -> None:
    hpa = only("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    spec = hpa["spec"]
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "expanses-api"}
    assert spec["minReplicas"] >= 2
    assert spec["maxReplicas"] >= spec["minReplicas"]
    assert spec["minReplicas"] == only("Deployment")["spec"]["replicas"]
    [metric] = spec["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"


def test_the_disruption_budget_leaves_a_pod_serving() -> None:
    pdb = only("PodDisruptionBudget")["spec"]
    labels = only("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert pdb["selector"]["matchLabels"].items() <= labels.items()
    assert pdb.get("maxUnavailable") == 1 or pdb.get("minAvailable", 0) >= 1
    assert only("HorizontalPodAutoscaler")["spec"]["minReplicas"] >= 2


KUBECTL_MISSING = "kubectl is not installed (its kustomize builds the -k variants)"


def kustomize(directory: Path) -> list[dict[str, Any]]:
    """`kubectl kustomize DIRECTORY` (offline: kustomize needs no cluster), as documents."""
    kubectl = shutil.which("kubectl")
    assert kubectl is not None, KUBECTL_MISSING
    build = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=60)
    assert build.returncode == 0, build.stderr
    return [document for document in yaml.safe_load_all(build.stdout) if document is not None]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason=KUBECTL_MISSING)
def test_apply_k_builds_the_same_resources_as_apply_f() -> None:
    def key(document: dict[str, Any]) -> str:
        return f"{document['kind']}/{document['metadata']['name']}"

    built = sorted(kustomize(MANIFESTS), key=key)
    assert built == sorted((document for _, document in documents()), key=key)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason=KUBECTL_MISSING)
def test_the_documented_overlay_gives_each_data_version_a_configmap_of_its_own(tmp_path: Path) -> None:
    """docs/kubernetes.md's kustomize overlay: a hashed ConfigMap name, and the Deployment names it."""
    text = (REPO / "docs" / "kubernetes.md").read_text(encoding="utf-8")
    start = text.index("# kustomization.yaml, beside expanses.csv")
    overlay = textwrap.dedent(text[text.rindex("\n", 0, start) + 1 : text.index("```", start)])
    shutil.copytree(MANIFESTS, tmp_path / "deploy" / "kubernetes")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "kustomization.yaml").write_text(overlay, encoding="utf-8")
    new_data = "departments,project_name,amount,date,member_name\nIT,X,1.00€,1/2/2024,Sam\n"
    (tmp_path / "data" / "expanses.csv").write_text(new_data, encoding="utf-8")
    built = kustomize(tmp_path / "data")
    configmaps = {d["metadata"]["name"]: d for d in built if d["kind"] == "ConfigMap"}
    [data_name] = [name for name in configmaps if name.startswith("expanses-data-file-")]
    assert "expanses-data" not in configmaps
    assert configmaps[data_name]["data"] == {"expanses.csv": new_data}
    [deployment] = [d for d in built if d["kind"] == "Deployment"]
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert volumes["data"]["configMap"]["name"] == data_name
    for document in built:
        validate(document)
