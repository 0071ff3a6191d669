"""Kustomizations: which are rendered, what they render to, which files they consume, and every
reference that is refused before anything is rendered."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from linter.config import ClusterSpec, KubernetesConfig
from linter.knowledge import Knowledge
from linter.kubernetes.data import shipped as k8s_facts
from linter.kubernetes.frontend import load_kubernetes
from linter.kubernetes.kustomize import KustomizeOutcome, Rendered, render_kustomizations
from linter.kubernetes.kustomize_data import shipped as kustomize_facts
from linter.model import Location, Problem, ProblemKind

NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})


def tree(root: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return sorted(files)


def render(root: Path, paths: list[str], **kwargs: Any) -> KustomizeOutcome:
    return render_kustomizations(paths, NAMES, cwd=root, boundary=root, facts=kustomize_facts(),
                                 cluster_scoped=k8s_facts().cluster_scoped, **kwargs)


def names(rendered: Rendered) -> list[str]:
    return [f"{o['kind']}/{o['metadata'].get('namespace', '-')}/{o['metadata']['name']}" for o in rendered.objects]


BASE_AND_OVERLAYS = {
    "base/kustomization.yaml": "resources: [deploy.yaml, pvc.yaml]\n",
    "base/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
                        "    spec:\n      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
    "base/pvc.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n",
    "overlays/prod/kustomization.yaml": "namespace: app\nnamePrefix: prod-\nresources: [../../base, ns.yaml]\n"
                                        "patches:\n  - path: patch/replicas.yaml\n"
                                        "configMapGenerator:\n  - name: c\n    files: [conf=settings.yaml]\n",
    "overlays/prod/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n",
    "overlays/prod/patch/replicas.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                                         "spec: {replicas: 3}\n",
    "overlays/prod/settings.yaml": "a: 1\n",
    "overlays/dev/kustomization.yaml": "resources: [../../base]\ncommonLabels: {sensibilite: standard}\n",
    "plain/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
}


def test_overlays_are_rendered_bases_and_consumed_files_are_not_scanned(tmp_path: Path) -> None:
    paths = tree(tmp_path, BASE_AND_OVERLAYS)
    outcome = render(tmp_path, paths)
    assert outcome.notes == ("rendered overlays/dev/kustomization.yaml", "rendered overlays/prod/kustomization.yaml")
    dev, prod = outcome.rendered
    assert names(dev) == ["Deployment/-/web", "PersistentVolumeClaim/-/data"]
    assert dev.objects[1]["metadata"]["labels"] == {"sensibilite": "standard"}
    assert names(prod) == ["Deployment/app/prod-web", "PersistentVolumeClaim/app/prod-data", "Namespace/-/app",
                           "ConfigMap/app/prod-c-c76c5g42h7"]
    deployment = prod.objects[0]
    assert deployment["spec"]["replicas"] == 3
    assert deployment["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "prod-data"
    assert outcome.covered == frozenset(p for p in paths if p != "plain/pod.yaml")
    assert outcome.problems == ()


def test_a_base_scanned_alone_is_rendered(tmp_path: Path) -> None:
    paths = tree(tmp_path, BASE_AND_OVERLAYS)
    outcome = render(tmp_path, [p for p in paths if p.startswith("base/")])
    assert [r.kustomization for r in outcome.rendered] == ["base/kustomization.yaml"]


def test_what_kustomize_would_fail_on_is_snc000_and_the_files_are_scanned_as_they_are(tmp_path: Path) -> None:
    paths = tree(tmp_path, {"k/kustomization.yaml": "resources: [a.yaml]\npatches:\n  - path: p.yaml\n",
                            "k/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
                            "k/p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"})
    assert render(tmp_path, paths) == KustomizeOutcome(problems=(Problem(
        location=Location("k/kustomization.yaml", 1),
        message="kustomization k/kustomization.yaml cannot be rendered: no unique resource matches the patch "
                "ConfigMap/b; its files are scanned as they are"),))


def test_a_missing_file_is_snc000_at_its_line(tmp_path: Path) -> None:
    paths = tree(tmp_path, {"k/kustomization.yaml": "resources:\n  - a.yaml\n  - gone.yaml\n",
                            "k/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"})
    assert render(tmp_path, paths) == KustomizeOutcome(problems=(Problem(
        location=Location("k/kustomization.yaml", 3),
        message="kustomization k/kustomization.yaml not rendered: gone.yaml is not a file or a folder of the "
                "repository; its files are scanned as they are"),))


REFUSED = [
    ("resources: [github.com/org/repo/deploy?ref=v1]", "github.com/org/repo/deploy?ref=v1 is remote"),
    ("resources: ['https://example.org/all.yaml']", "https://example.org/all.yaml is remote"),
    ("resources: ['git::https://example.org/r.git//base']", "git::https://example.org/r.git//base is remote"),
    ("resources: ['git::file:///srv/repo']", "git::file:///srv/repo is remote"),
    ("resources: ['file:///etc/kubernetes']", "file:///etc/kubernetes is remote"),
    ("resources: ['ssh://git@example.org/r.git']", "ssh://git@example.org/r.git is remote"),
    ("resources: ['git@github.com:org/repo.git']", "git@github.com:org/repo.git is remote"),
    ("components: [gitlab.com/org/repo/comp]", "gitlab.com/org/repo/comp is remote"),
    ("patches:\n  - path: https://example.org/p.yaml", "https://example.org/p.yaml is remote"),
    ("patchesStrategicMerge: ['https://example.org/p.yaml']", "https://example.org/p.yaml is remote"),
    ("patchesJson6902:\n  - {target: {kind: A}, path: 'http://x.org/p'}", "http://x.org/p is remote"),
    ("crds: ['https://example.org/crd.json']", "https://example.org/crd.json is remote"),
    ("configurations: ['https://example.org/c.yaml']", "https://example.org/c.yaml is remote"),
    ("generators: ['https://example.org/g.yaml']", "https://example.org/g.yaml is remote"),
    ("transformers: ['https://example.org/t.yaml']", "https://example.org/t.yaml is remote"),
    ("replacements:\n  - path: 'https://example.org/r.yaml'", "https://example.org/r.yaml is remote"),
    ("openapi: {path: 'https://example.org/schema.json'}", "https://example.org/schema.json is remote"),
    ("configMapGenerator:\n  - {name: c, files: ['k=https://example.org/f']}", "https://example.org/f is remote"),
    ("resources: [../../outside]", "../../outside leaves the scanned repository"),
    ("resources: [/etc/passwd]", "/etc/passwd leaves the scanned repository"),
    ("patches:\n  - path: /etc/passwd", "/etc/passwd leaves the scanned repository"),
    ("secretGenerator:\n  - {name: s, envs: [../../../etc/environment]}",
     "../../../etc/environment leaves the scanned repository"),
    ("configMapGenerator:\n  - {name: c, files: [out-link]}", "out-link leaves the scanned repository"),
    ("resources: [../.git/config]", "../.git/config leaves the scanned repository"),
    ("helmCharts: [{name: x, repo: 'https://charts.example.org'}]",
     "helmCharts: inflating Helm charts needs helm and the network"),
    ("resourcez: [a.yaml]", "unknown field 'resourcez' (kustomize would refuse it too)"),
]


@pytest.mark.parametrize("spec, why", REFUSED, ids=[w for _, w in REFUSED])
def test_refused_references_are_snc004_before_any_rendering(tmp_path: Path, spec: str, why: str) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text("[core]\n")
    (tmp_path / "secret").write_text("token\n")
    text = f"namespace: n\n{spec}\n"
    paths = tree(root, {"k/kustomization.yaml": text})
    (root / "k" / "out-link").symlink_to(tmp_path / "secret")
    outcome = render(root, paths)
    entry = why.split(" ")[0].rstrip(":")
    line = next((n for n, text in enumerate(text.splitlines(), 1) if entry in text), 2)  # the entry's line
    assert outcome.rendered == () and outcome.covered == frozenset()
    assert outcome.problems == (Problem(
        location=Location("k/kustomization.yaml", line), kind=ProblemKind.UNEVALUATED,
        message=f"kustomization k/kustomization.yaml not rendered: {why}"
                f"{' (snclint never fetches)' if why.endswith('remote') else ''}; its files are scanned as they are"),)


def test_a_refusal_in_a_base_stops_its_overlay_and_points_at_the_base(tmp_path: Path) -> None:
    paths = tree(tmp_path, {"base/kustomization.yaml": "resources:\n  - a.yaml\n  - https://x.org/b.yaml\n",
                            "base/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
                            "ov/kustomization.yaml": "resources: [../base]\n"})
    assert render(tmp_path, paths).problems == (Problem(
        location=Location("base/kustomization.yaml", 3), kind=ProblemKind.UNEVALUATED,
        message="kustomization ov/kustomization.yaml not rendered: https://x.org/b.yaml is remote (snclint "
                "never fetches); its files are scanned as they are"),)


def test_a_symlinked_base_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    tree(outside, {"kustomization.yaml": "resources: [a.yaml]\n",
                   "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\n"})
    root = tmp_path / "repo"
    paths = tree(root, {"k/kustomization.yaml": "resources: [base]\n"})
    (root / "k" / "base").symlink_to(outside)
    assert render(root, paths).problems == (Problem(
        location=Location("k/kustomization.yaml", 1), kind=ProblemKind.UNEVALUATED,
        message="kustomization k/kustomization.yaml not rendered: base leaves the scanned repository; its files "
                "are scanned as they are"),)


def test_an_unsupported_feature_is_rendered_without_and_said(tmp_path: Path) -> None:
    paths = tree(tmp_path, {"k/kustomization.yaml": "resources: [a.yaml]\nreplacements:\n  - source: {kind: A}\n"
                                                   "    targets: []\nimages: [{name: x, newTag: '2'}]\n",
                            "k/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"})
    outcome = render(tmp_path, paths)
    assert [names(r) for r in outcome.rendered] == [["ConfigMap/-/a"]]
    assert outcome.problems == (Problem(
        location=Location("k/kustomization.yaml", 2), kind=ProblemKind.UNEVALUATED,
        message="kustomization k/kustomization.yaml rendered without replacements: replacements are not supported "
                "by snclint's renderer: the namespaces and labels of its objects may differ from kustomize's"),)


def test_a_component_alone_is_not_rendered_nor_an_error(tmp_path: Path) -> None:
    paths = tree(tmp_path, {"c/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                                   "patches: [{path: p.yaml}]\n",
                            "c/p.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"})
    assert render(tmp_path, paths) == KustomizeOutcome(
        covered=frozenset(paths),
        notes=("kustomize Component c/kustomization.yaml is rendered only through the kustomizations that use it",))


def test_components_apply_to_what_the_kustomization_has_gathered(tmp_path: Path) -> None:
    paths = tree(tmp_path, {
        "c/kustomization.yaml": "kind: Component\nlabels: [{pairs: {sensibilite: particuliere}}]\n",
        "k/kustomization.yaml": "resources: [a.yaml]\ncomponents: [../c]\nnamespace: n\n",
        "k/a.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a}\n"})
    (rendered,) = render(tmp_path, paths).rendered
    labels = {"sensibilite": "particuliere"}
    assert rendered.objects == ({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                 "metadata": {"name": "a", "namespace": "n", "labels": labels}},)


def test_a_tree_that_blows_up_stops_at_the_budget(tmp_path: Path) -> None:
    files = {"l30/kustomization.yaml": "resources: [a.yaml]\n",
             "l30/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"}
    for level in range(30):
        files[f"l{level}/kustomization.yaml"] = "resources: [x, y]\n"
        files[f"l{level}/x/kustomization.yaml"] = f"namePrefix: x-\nresources: [../../l{level + 1}]\n"
        files[f"l{level}/y/kustomization.yaml"] = f"namePrefix: y-\nresources: [../../l{level + 1}]\n"
    paths = tree(tmp_path, files)
    outcome = render(tmp_path, paths)
    assert outcome.problems == (Problem(
        location=Location("l0/kustomization.yaml", 1),
        message="kustomization l0/kustomization.yaml cannot be rendered: more than 2000 kustomizations to render "
                "(bases used many times over); its files are scanned as they are"),)


def test_off(tmp_path: Path) -> None:
    paths = tree(tmp_path, {"k/kustomization.yaml": "resources: []\n"})
    assert render(tmp_path, paths, enabled=False) == KustomizeOutcome(
        notes=("skipped kustomization k/kustomization.yaml: rendering is off; its files are scanned as they are",))
    assert render(tmp_path, ["a.yaml"]) == KustomizeOutcome()


def test_frontend_places_rendered_objects_by_the_kustomization_path(tmp_path: Path, knowledge: Knowledge) -> None:
    paths = tree(tmp_path, BASE_AND_OVERLAYS)
    config = KubernetesConfig(clusters={"p": ClusterSpec(name="p", hosting={"provider": "aws"},
                                                         paths=("overlays/prod/**",))})
    fragment = load_kubernetes([(p, (tmp_path / p).read_bytes()) for p in paths], knowledge=knowledge,
                               config=config, cwd=tmp_path, boundary=tmp_path)
    assert sorted((n.key, n.location.file, n.location.line) for n in fragment.nodes) == [
        ("cluster:?::Deployment/default/web", "overlays/dev/kustomization.yaml", 1),
        ("cluster:?::PersistentVolumeClaim/default/data", "overlays/dev/kustomization.yaml", 1),
        ("cluster:?::Pod/default/p", "plain/pod.yaml", 1),
        ("cluster:p", ".snclint.yaml", 1),
        ("cluster:p::ConfigMap/app/prod-c-c76c5g42h7", "overlays/prod/kustomization.yaml", 1),
        ("cluster:p::Deployment/app/prod-web", "overlays/prod/kustomization.yaml", 1),
        ("cluster:p::Namespace/app", "overlays/prod/kustomization.yaml", 1),
        ("cluster:p::PersistentVolumeClaim/app/prod-data", "overlays/prod/kustomization.yaml", 1),
    ]
    assert fragment.files == ("overlays/dev/kustomization.yaml", "overlays/prod/kustomization.yaml",
                              "plain/pod.yaml")


def test_a_kustomization_symlinked_from_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text("resources: []\n")
    root = tmp_path / "repo"
    (root / "k").mkdir(parents=True)
    os.symlink(tmp_path / "evil.yaml", root / "k" / "kustomization.yaml")
    assert render(root, ["k/kustomization.yaml"]).problems == (Problem(
        location=Location("k/kustomization.yaml", 1), kind=ProblemKind.UNEVALUATED,
        message="kustomization k/kustomization.yaml not rendered: kustomization.yaml is a link that leaves the "
                "scanned repository; its files are scanned as they are"),)



def test_a_kustomization_that_is_a_link_inside_the_repository_is_not_followed(tmp_path: Path) -> None:
    """The file is read without following a final link, so a link swapped in after the check is not
    followed either (the shared reader of ``linter.files``, told not to follow links)."""
    tree(tmp_path, {"real.yaml": "resources: []\n", "k/pod.yaml": "kind: Pod\n"})
    os.symlink(tmp_path / "real.yaml", tmp_path / "k" / "kustomization.yaml")
    assert render(tmp_path, ["k/kustomization.yaml"]).problems == (Problem(
        location=Location("k/kustomization.yaml", 1), kind=ProblemKind.UNREADABLE,
        message="kustomization k/kustomization.yaml not rendered: kustomization.yaml cannot be read (a symbolic "
                "link, not a regular file: not read); its files are scanned as they are"),)


AUDIT = r'''
import json, os, sys
from pathlib import Path
from linter.kubernetes.data import shipped as k8s_facts
from linter.kubernetes.kustomize import render_kustomizations
from linter.kubernetes.kustomize_data import shipped as kustomize_facts

root = Path(sys.argv[1]).resolve()
paths = sys.argv[2:]
facts, scoped = kustomize_facts(), k8s_facts().cluster_scoped
WATCHED = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
           "socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request")
seen = []

def hook(event, args):
    if event in WATCHED:
        seen.append(event)
    elif event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if path != str(root) and not path.startswith(str(root) + os.sep):
            seen.append(f"{event} {path}")

sys.addaudithook(hook)
outcome = render_kustomizations(paths, frozenset({"kustomization.yaml"}), cwd=root, boundary=root, facts=facts,
                                cluster_scoped=scoped)
print(json.dumps({"seen": seen, "rendered": [r.kustomization for r in outcome.rendered],
                  "problems": sorted(p.message.split(": ", 1)[1] for p in outcome.problems)}))
'''


def test_a_render_starts_no_process_opens_no_socket_and_reads_nothing_outside(tmp_path: Path) -> None:
    """An audit hook in a fresh interpreter sees every process, socket and open of the render."""
    import json
    import subprocess
    import sys

    (tmp_path / "secret").write_text("token=abc\n")
    root = tmp_path / "repo"
    paths = tree(root, {
        **BASE_AND_OVERLAYS,
        "evil/kustomization.yaml": "resources:\n  - https://example.org/x.yaml\n  - git::file:///srv/r\n"
                                   "configMapGenerator:\n  - {name: c, envs: [leak.env]}\n"
                                   "patches:\n  - path: /etc/passwd\n",
    })
    (root / "evil" / "leak.env").symlink_to(tmp_path / "secret")
    script = tmp_path / "audit.py"
    script.write_text(AUDIT)
    run = subprocess.run([sys.executable, str(script), str(root), *paths], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report == {
        "seen": [],
        "rendered": ["overlays/dev/kustomization.yaml", "overlays/prod/kustomization.yaml"],
        "problems": ["/etc/passwd leaves the scanned repository; its files are scanned as they are",
                     "git::file:///srv/r is remote (snclint never fetches); its files are scanned as they are",
                     "https://example.org/x.yaml is remote (snclint never fetches); its files are scanned as "
                     "they are",
                     "leak.env leaves the scanned repository; its files are scanned as they are"],
    }


DIFFERENTIAL = {
    "base/kustomization.yaml": "resources: [all.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [a=1, \"b='x'\"]\n"
                               "  files: [conf.txt]\n- name: env\n  envs: [app.env]\nsecretGenerator:\n- name: sec\n"
                               "  literals: [p=s<&>]\ngeneratorOptions:\n  labels: {gen: 'y'}\n",
    "base/conf.txt": "hello\n",
    "base/app.env": "# comment\nA=1\n\nB=two words\n",
    "base/all.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {x: '1'}}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
        "      containers: [{name: a, image: a}, {name: b, image: b}]\n"
        "      volumes: [{name: v, persistentVolumeClaim: {claimName: data}}]\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: PersistentVolumeClaim\n"
        "  metadata: {name: data}\n"
        "  spec: {storageClassName: fast, volumeName: pv1}\n- apiVersion: v1\n  kind: PersistentVolume\n"
        "  metadata: {name: pv1}\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n"
        "  volumeClaimTemplates: [{metadata: {name: t}, spec: {storageClassName: fast}}]\n"
        "  template: {spec: {containers: [{name: c, image: c}]}}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local, annotations: {config.kubernetes.io/local-config: "
        "'true'}}\n"),
    "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [sc.yaml]\n"
                               "nameSuffix: -c\n",
    "comp/sc.yaml": "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: x\n",
    "ov/kustomization.yaml": (
        "namespace: prod\nnamePrefix: p-\nresources: [../base]\ncomponents: [../comp]\n"
        "labels:\n- pairs: {team: t1}\n- pairs: {sel: s}\n  includeSelectors: true\n"
        "commonAnnotations: {owner: me}\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [c=3]\n"
        "patchesStrategicMerge:\n- patch.yaml\n- |-\n  apiVersion: v1\n  kind: PersistentVolumeClaim\n"
        "  metadata: {name: data, labels: {sensibilite: particuliere}}\n"
        "patchesJson6902:\n- target: {group: apps, version: v1, kind: Deployment, name: web}\n"
        "  patch: '[{\"op\": \"replace\", \"path\": \"/metadata/labels/x\", \"value\": \"2\"}]'\n"
        "patches:\n- target: {kind: StatefulSet, name: 'd.*'}\n  patch: |-\n    apiVersion: apps/v1\n"
        "    kind: StatefulSet\n    metadata: {name: ignored, annotations: {patched: 'y'}}\n"
        "- target: {labelSelector: 'x=1'}\n  patch: |-\n"
        "    - {op: add, path: /metadata/annotations/bysel, value: '1'}\n"),
    "ov/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
                     "      containers:\n      - {name: b, $patch: delete}\n      - {name: c, image: c}\n",
}


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        import json
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


@pytest.mark.skipif(__import__("shutil").which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("top", ["ov", "base"])
def test_the_same_objects_as_kubectl_kustomize(tmp_path: Path, top: str) -> None:
    """Differential: kustomize itself, run without a kubeconfig, a home or a network variable."""
    import shutil
    import subprocess

    import yaml

    paths = tree(tmp_path, DIFFERENTIAL)
    (rendered,) = render(tmp_path, [f"{top}/kustomization.yaml"]).rendered
    kubectl = shutil.which("kubectl")
    assert kubectl is not None
    run = subprocess.run([kubectl, "kustomize", str(tmp_path / top)], capture_output=True, text=True, timeout=60,
                         env={"PATH": os.path.dirname(kubectl), "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    theirs = [o for o in yaml.safe_load_all(run.stdout) if o]
    key = lambda o: (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])  # noqa: E731
    assert sorted(map(key, rendered.objects)) == sorted(map(key, theirs))
    assert _canonical(sorted(rendered.objects, key=key)) == _canonical(sorted(theirs, key=key))
    assert paths
