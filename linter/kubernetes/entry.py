"""The Kubernetes frontends as the scan sees them (``linter.frontend_contract``): manifest files
(and standard input), then the Kubernetes objects declared in Terraform read again as Kubernetes
objects once both have run."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from linter import gc_pacing, limits
from linter.files import NotReadable, read_regular
from linter.frontend_contract import Claim, Frontend, Loaded, Request
from linter.model import Fragment, Location, Problem

if TYPE_CHECKING:
    from linter.kubernetes.kept_whole import Keeping
    from linter.loaders.kubernetes import ManifestFile

MANIFESTS = Claim(kind="manifest", suffixes=(".yaml", ".yml", ".json"))
STDIN = "-"  # the path standard input's documents are reported at


def _load(request: Request) -> Loaded:
    from linter.kubernetes.kept_whole import kept_or_loaded

    return kept_or_loaded(request, MANIFESTS.kind, _manifests)


def _manifests(request: Request) -> tuple[Loaded, Keeping]:
    """The fragments, and how they are kept whole (``kept_whole``): now when none was kept before
    (a first scan, whose process is idle while the Terraform workers parse), aside when no file
    was parsed (each one's documents were kept ones: an edit elsewhere), not at all after a
    manifest edit, whose outcome the next manifest edit makes stale."""
    from linter.kubernetes.kept import KeptManifests
    from linter.loaders.kubernetes import load_manifests

    kept = KeptManifests(request.cwd, request.boundaries) if request.parse_cache else None
    manifests: list[tuple[str, bytes | ManifestFile]] = []
    unread = []
    recalled = False
    for path in request.of(MANIFESTS.kind):
        found = kept.recall(path) if kept is not None else None
        if found is not None:
            manifests.append((path, found))
            recalled = True
            continue
        try:
            manifests.append((path, kept.read(path) if kept is not None
                                  else read_regular(request.cwd / path, limits.MANIFEST_BYTES)))
        except NotReadable as why:
            unread.append(Problem(location=Location(path, 1), message=str(why)))
    if request.stdin is not None:
        manifests.append((STDIN, request.stdin))
    if not manifests:
        return Loaded(fragments=(Fragment(problems=tuple(unread)),)), "no"
    from linter.kubernetes.frontend import load_kubernetes

    with gc_pacing.acyclic():  # manifests read, placed and linked: no reference cycles (aliases name done nodes)
        fragment = load_kubernetes(manifests, knowledge=request.knowledge, config=request.config.kubernetes,
                                   cwd=request.cwd, boundary=request.boundaries, config_file=request.config.path,
                                   load=_kept_files(kept.load) if kept is not None else load_manifests)
    keeping: Keeping = "no" if kept is None or (kept.parsed and recalled) else "now" if kept.parsed else "aside"
    if kept is not None:
        kept.save()
    return Loaded(fragments=(Fragment(problems=tuple(unread)), fragment)), keeping


def _kept_files(load: Callable[[str, bytes], ManifestFile]) -> Callable[[str, bytes], ManifestFile]:
    """``load`` for the scanned files; standard input is parsed each time, never kept."""
    from linter.loaders.kubernetes import load_manifests

    return lambda path, data: load_manifests(path, data) if path == STDIN else load(path, data)


def _link(request: Request) -> Loaded:
    from linter.kubernetes.terraform_objects import link_terraform_objects

    config = request.config
    return Loaded(revised=tuple(link_terraform_objects(list(request.earlier), request.knowledge, config.kubernetes,
                                                       config.path)))


KUBERNETES = Frontend(name="kubernetes", claims=(MANIFESTS,), load=_load, stdin=True)
# reads the nodes of the Terraform frontends (a Terragrunt unit's module, a plan too) and the manifests' Namespaces
TERRAFORM_OBJECTS = Frontend(name="kubernetes-in-terraform", load=_link, runs_with=("terraform", "terragrunt", "plan"),
                             after=("terragrunt", "terraform", "plan", "kubernetes"))
