"""The Kubernetes frontend: manifest files → a ``Fragment`` of placed objects (docs/kubernetes.md).

Read every file (kustomizations rendered first), keep the Kubernetes objects, place each on a
cluster (annotation, Namespace annotation, config paths, default), and build the nodes and edges:
objects hosted on their cluster, workloads mounting claims, claims using classes and volumes.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from linter.config import KubernetesConfig
from linter.errors import unexpected
from linter.knowledge import Knowledge
from linter.kubernetes.data import KubernetesData, kubernetes_data
from linter.loaders.kubernetes import Manifest, ManifestFile, load_manifests
from linter.model import Fragment, Location, Problem

if TYPE_CHECKING:  # the objects' code is imported once a file holds one (most YAML files hold none)
    from linter.kubernetes.kustomize import KustomizeOutcome
    from linter.kubernetes.objects import K8sObject
    from linter.kubernetes.placement import Placement, Placer


def load_kubernetes(files: Sequence[tuple[str, bytes | ManifestFile]], *, knowledge: Knowledge,
                    config: KubernetesConfig, kustomize: bool = True, cwd: Path | None = None,
                    boundary: Path | Sequence[Path] | None = None, config_file: str | None = None,
                    load: Callable[[str, bytes], ManifestFile] = load_manifests) -> Fragment:
    """``files``: (path relative to ``cwd`` in posix form, or ``-`` for standard input; content,
    or its documents when they were kept: ``kubernetes.kept``).

    ``boundary`` is the folder a kustomization may not reach out of (the repository), or each scanned
    path's (a kustomization stays within the one of the path it came from);
    ``config_file`` is where the clusters are declared, for the location of cluster nodes;
    ``load`` reads one file's documents (``load_manifests``, or the kept ones: ``kubernetes.kept``).
    """
    data = kubernetes_data(knowledge)
    here = (cwd or Path.cwd()).resolve()
    outcome = _kustomizations([p for p, _ in files], data, knowledge, here, boundary or here, kustomize)
    problems: list[Problem] = list(outcome.problems) if outcome else []
    notes: list[str] = list(outcome.notes) if outcome else []
    rendered_all = outcome.rendered if outcome else ()
    covered = outcome.covered if outcome else frozenset()
    read: list[str] = [r.kustomization for r in rendered_all]
    objects: list[K8sObject] = []
    for path, content in files:
        if path in covered or path.rpartition("/")[2] in data.kustomization_files:
            continue
        try:
            loaded = content if isinstance(content, ManifestFile) else load(path, content)
            found = _objects(loaded, data, path, rendered=False)
        except Exception as error:  # noqa: BLE001 - the last resort: one file, one SNC000
            problems.append(Problem(location=Location(path, 1), message=unexpected(error)))
            read.append(path)
            continue
        problems += loaded.problems
        if loaded.skipped:
            notes.append(f"skipped {path}: {loaded.skipped}")
        if found or loaded.problems:
            read.append(path)
        objects += found
    for rendered in rendered_all:
        loaded = ManifestFile(rendered.kustomization, tuple(Manifest(o, 1) for o in rendered.objects))
        objects += _objects(loaded, data, rendered.kustomization, rendered=True)
    if not objects:  # YAML that is no manifest (CI files, Helm values): what follows would add nothing
        return Fragment(problems=tuple(problems), files=tuple(dict.fromkeys(read)), notes=tuple(notes))
    from linter.kubernetes.nodes import Graphlet, Placed, cluster_nodes
    from linter.kubernetes.placement import Placer

    placed = [Placed(o, p) for o, p in zip(objects, place(objects, Placer(config), data), strict=True)]
    graphlet = Graphlet(placed, knowledge, data)
    graphlet.build()
    used: dict[str, Location] = {}
    for p in graphlet.by_key.values():
        if p.placement.cluster is not None:
            used.setdefault(p.placement.cluster, p.item.location)
    clusters = cluster_nodes(used, config, config_file, data.cluster_annotation)
    return Fragment(nodes=tuple(clusters + graphlet.nodes), edges=tuple(graphlet.edges),
                    problems=tuple(problems), files=tuple(dict.fromkeys(read)),
                    notes=tuple(notes + graphlet.notes))



def _kustomizations(paths: Sequence[str], data: KubernetesData, knowledge: Knowledge, cwd: Path,
                    boundary: Path | Sequence[Path], enabled: bool) -> KustomizeOutcome | None:
    """The kustomizations among ``paths`` rendered; None when there is none (most manifest folders):
    kustomize's code and facts are then not even loaded."""
    if not any(p.rpartition("/")[2] in data.kustomization_files for p in paths):
        return None
    from linter.kubernetes.kustomize import render_kustomizations
    from linter.kubernetes.kustomize_data import kustomize_data

    return render_kustomizations(paths, data.kustomization_files, cwd=cwd, boundary=boundary,
                                 facts=kustomize_data(knowledge), cluster_scoped=data.cluster_scoped,
                                 enabled=enabled)


def _objects(loaded: ManifestFile, data: KubernetesData, path: str, rendered: bool) -> list[K8sObject]:
    """Objects of a file; rendered output points at its kustomization (line 1), without comments."""
    if not loaded.documents:
        return []
    from linter.kubernetes.objects import to_object

    out = []
    for manifest in loaded.documents:
        location = Location(path, 1 if rendered else manifest.line)
        item = to_object(manifest, location, path, data)
        if item is not None:
            out.append(item)
    return out


def place(objects: Sequence[K8sObject], placer: Placer, data: KubernetesData) -> list[Placement]:
    """Each object's cluster (see ``linter.kubernetes.placement``). Among several Namespaces of
    one name that carry the annotation, the one whose file is nearest the object's is used."""
    from linter.kubernetes.placement import nearest
    from linter.kubernetes.storage import NAMESPACE

    key = data.cluster_annotation
    annotated: dict[str, list[K8sObject]] = {}
    for o in objects:
        if o.kind == NAMESPACE and o.annotations.get(key, "").strip():
            annotated.setdefault(o.name, []).append(o)
    out = []
    for o in objects:
        own = o.annotations.get(key, "").strip() or None
        from_namespace = None
        candidates = annotated.get(o.namespace or "", [])
        if own is None and candidates:
            chosen = candidates[nearest(o.placement_path, [c.placement_path for c in candidates])]
            from_namespace = (chosen.annotations[key].strip(), chosen.address)
        out.append(placer.place(o.placement_path, own, from_namespace))
    return out
