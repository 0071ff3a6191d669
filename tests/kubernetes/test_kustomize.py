"""Kustomizations: which are rendered, which files they consume, and every way of not rendering."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import linter.kubernetes.kustomize as kustomize_module
from linter.config import ClusterSpec, KubernetesConfig
from linter.knowledge import Knowledge
from linter.kubernetes.frontend import load_kubernetes
from linter.kubernetes.kustomize import KustomizeOutcome, Rendered, render_kustomizations
from linter.model import Location, Problem

NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
FAKE = """import sys
from pathlib import Path
folder = Path(sys.argv[1])
if (folder / "fail").exists():
    sys.stderr.write("Error: accumulating resources: boom\\n")
    sys.exit(1)
print("apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: " + folder.name + "\\n  namespace: rendered")
"""


def tree(root: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return sorted(files)


@pytest.fixture
def fake(tmp_path: Path) -> list[str]:
    script = tmp_path / "fake_kustomize.py"
    script.write_text(FAKE)
    return [sys.executable, str(script)]


BASE_AND_OVERLAYS = {
    "base/kustomization.yaml": "resources: [deploy.yaml]\n",
    "base/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
    "overlays/prod/kustomization.yaml": "resources: [../../base, ns.yaml]\npatches:\n  - path: patch/replicas.yaml\n"
                                        "configMapGenerator:\n  - name: c\n    files: [conf=settings.yaml]\n",
    "overlays/prod/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n",
    "overlays/prod/patch/replicas.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
    "overlays/prod/settings.yaml": "a: 1\n",
    "overlays/dev/kustomization.yaml": "resources: [../../base]\n",
    "plain/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
}


def test_overlays_are_rendered_bases_and_consumed_files_are_not_scanned(tmp_path: Path, fake: list[str]) -> None:
    paths = tree(tmp_path, BASE_AND_OVERLAYS)
    outcome = render_kustomizations(paths, NAMES, cwd=tmp_path, boundary=tmp_path, command=fake)
    tool = f"{Path(sys.executable).name} fake_kustomize.py"
    assert outcome.notes == (f"rendered overlays/dev/kustomization.yaml with {tool}",
                             f"rendered overlays/prod/kustomization.yaml with {tool}")
    assert outcome.rendered == (
        Rendered("overlays/dev/kustomization.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dev\n"
                                                    b"  namespace: rendered\n"),
        Rendered("overlays/prod/kustomization.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod\n"
                                                     b"  namespace: rendered\n"),
    )
    assert outcome.covered == frozenset(p for p in paths if p != "plain/pod.yaml")
    assert outcome.problems == ()


def test_a_base_scanned_alone_is_rendered(tmp_path: Path, fake: list[str]) -> None:
    paths = tree(tmp_path, BASE_AND_OVERLAYS)
    outcome = render_kustomizations([p for p in paths if p.startswith("base/")], NAMES, cwd=tmp_path,
                                    boundary=tmp_path, command=fake)
    assert [r.kustomization for r in outcome.rendered] == ["base/kustomization.yaml"]


def test_failure_is_a_problem_and_the_files_are_scanned_as_they_are(tmp_path: Path, fake: list[str]) -> None:
    paths = tree(tmp_path, {"k/kustomization.yaml": "resources: [a.yaml]\n", "k/a.yaml": "x: 1\n", "k/fail": ""})
    outcome = render_kustomizations(paths, NAMES, cwd=tmp_path, boundary=tmp_path, command=fake)
    tool = f"{Path(sys.executable).name} fake_kustomize.py"
    assert outcome == KustomizeOutcome(problems=(Problem(
        location=Location("k/kustomization.yaml", 1),
        message=f"{tool} failed: Error: accumulating resources: boom; the files are scanned as they are"),))


@pytest.mark.parametrize("files, why", [
    ({"k/kustomization.yaml": "resources: [github.com/org/repo/deploy?ref=v1]\n"},
     "it uses the remote resource github.com/org/repo/deploy?ref=v1 (snclint never fetches)"),
    ({"k/kustomization.yaml": "resources: ['https://example.org/all.yaml']\n"},
     "it uses the remote resource https://example.org/all.yaml (snclint never fetches)"),
    ({"k/kustomization.yaml": "resources: [../base]\n", "base/kustomization.yaml": "helmCharts: [{name: x}]\n"},
     "{root}/base/kustomization.yaml inflates Helm charts (helmCharts), which needs helm and the network"),
    ({"k/kustomization.yaml": "resources: [../../outside]\n"}, "../../outside is outside the scanned repository"),
    ({"k/kustomization.yaml": "resources: [../nobase]\n", "nobase/a.yaml": "a: 1\n"},
     "nobase/ has no kustomization file"),
])
def test_what_is_not_rendered(tmp_path: Path, fake: list[str], files: dict[str, str], why: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    paths = tree(root, files)
    outcome = render_kustomizations(paths, NAMES, cwd=root, boundary=root, command=fake)
    assert outcome == KustomizeOutcome(notes=(
        f"kustomization k/kustomization.yaml not rendered: {why.format(root=root.resolve())}; "
        "its files are scanned as they are",))


def test_off_or_without_kubectl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = tree(tmp_path, {"k/kustomization.yaml": "resources: []\n"})
    assert render_kustomizations(paths, NAMES, cwd=tmp_path, boundary=tmp_path, enabled=False) == KustomizeOutcome(
        notes=("skipped kustomization k/kustomization.yaml: rendering is off; its files are scanned as they are",))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert render_kustomizations(paths, NAMES, cwd=tmp_path, boundary=tmp_path) == KustomizeOutcome(
        notes=("skipped kustomization k/kustomization.yaml: kubectl not found (nor kustomize); its files are "
               "scanned as they are",))
    assert render_kustomizations(["a.yaml"], NAMES, cwd=tmp_path, boundary=tmp_path) == KustomizeOutcome()


def test_frontend_places_rendered_objects_by_the_kustomization_path(
        tmp_path: Path, fake: list[str], knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = tree(tmp_path, BASE_AND_OVERLAYS)
    monkeypatch.setattr(kustomize_module, "kustomize_command", lambda: fake)
    config = KubernetesConfig(clusters={"p": ClusterSpec(name="p", hosting={"provider": "aws"},
                                                         paths=("overlays/prod/**",))})
    fragment = load_kubernetes([(p, (tmp_path / p).read_bytes()) for p in paths], knowledge=knowledge,
                               config=config, cwd=tmp_path, boundary=tmp_path)
    assert [(n.key, n.location) for n in fragment.nodes] == [
        ("cluster:p", Location(".snclint.yaml", 1)),
        ("cluster:?::Pod/default/p", Location("plain/pod.yaml", 1)),
        ("cluster:?::ConfigMap/rendered/dev", Location("overlays/dev/kustomization.yaml", 1)),
        ("cluster:p::ConfigMap/rendered/prod", Location("overlays/prod/kustomization.yaml", 1)),
    ]
    assert fragment.files == ("overlays/dev/kustomization.yaml", "overlays/prod/kustomization.yaml",
                              "plain/pod.yaml")


FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "k8s" / "kustomize"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_real_kubectl_on_the_fixture(knowledge: Knowledge) -> None:
    paths = sorted(p.relative_to(FIXTURE).as_posix() for p in FIXTURE.rglob("*.yaml")
                   if p.name not in (".snclint.yaml", "expected.yaml"))
    fragment = load_kubernetes([(p, (FIXTURE / p).read_bytes()) for p in paths], knowledge=knowledge,
                               config=KubernetesConfig(), cwd=FIXTURE, boundary=FIXTURE)
    assert sorted(n.key for n in fragment.nodes) == [
        "cluster:?::Deployment/courrier-dev/courrier", "cluster:?::Deployment/courrier/courrier",
        "cluster:?::Namespace/courrier", "cluster:?::Namespace/courrier-dev",
        "cluster:?::PersistentVolumeClaim/courrier-dev/courrier-documents",
        "cluster:?::PersistentVolumeClaim/courrier/courrier-documents",
        "cluster:?::Service/courrier-dev/courrier", "cluster:?::Service/courrier/courrier",
    ]
    assert fragment.notes == ("rendered overlays/dev/kustomization.yaml with kubectl kustomize",
                              "rendered overlays/production/kustomization.yaml with kubectl kustomize")
    deployment = next(n for n in fragment.nodes if n.key == "cluster:?::Deployment/courrier/courrier")
    assert deployment.attributes["apiVersion"] == "apps/v1"
