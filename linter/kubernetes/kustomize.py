"""Kustomizations: rendered in process, the same on every machine, never reaching out.

What a kustomization deploys is its rendered output, not its files (a patch looks like a partial
object; a base's objects are renamed and relabelled by the overlay). So:

- only the *top* kustomizations are rendered: those that no other scanned kustomization uses as a
  base or component (an overlay is rendered, its base is not rendered on its own); a kustomize
  ``kind: Component`` is only rendered through the kustomizations that use it;
- every reference of every kustomization of the tree is resolved and checked first
  (``kustomize_refs``): one that is remote, leaves the repository (symlinks included) or is a field
  kustomize does not know stops the render, as a finding that says why;
- the render itself (``kustomize_build``) is snclint's own, of the subset of kustomize that decides
  placement and classification: no kubectl, no subprocess, no network, no environment;
- the files a rendered kustomization consumes are not scanned on their own: every file of the
  folders of the kustomizations it is made of, and every file they name (patches, generators);
- what is not rendered is scanned file by file, so that nothing is left unchecked.

Findings: a refusal, or a feature rendered without (``replacements``, plugins), is SNC004 (its
objects' classification and placement cannot be evaluated faithfully: an error with ``--strict``);
what kustomize itself would fail on (a missing file, a patch without target) is SNC000.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

from linter.discovery import boundary_of
from linter.files import NotReadable
from linter.kubernetes.kustomize_build import Builder, RenderError
from linter.kubernetes.kustomize_data import KustomizeData
from linter.kubernetes.kustomize_refs import Checked, Issue, Kustomization
from linter.model import Location, Problem, ProblemKind


@dataclass(frozen=True, slots=True)
class Rendered:
    kustomization: str  # display path of the kustomization file
    objects: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class KustomizeOutcome:
    rendered: tuple[Rendered, ...] = ()
    covered: frozenset[str] = frozenset()  # display paths not to scan on their own
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def render_kustomizations(paths: Sequence[str], names: frozenset[str], *, cwd: Path,
                          boundary: Path | Sequence[Path],
                          facts: KustomizeData, cluster_scoped: frozenset[str],
                          enabled: bool = True) -> KustomizeOutcome:
    """Render the top kustomizations among ``paths`` (display paths relative to ``cwd``), each
    confined to the boundary of the scanned path it came from (one of ``boundary``)."""
    tops = [p for p in paths if PurePosixPath(p).name in names]
    if not tops:
        return KustomizeOutcome()
    if not enabled:
        return KustomizeOutcome(notes=tuple(f"skipped kustomization {p}: rendering is off; its files "
                                            "are scanned as they are" for p in tops))
    boundaries = [Path(os.path.realpath(b)) for b in ((boundary,) if isinstance(boundary, Path) else boundary)]
    per_boundary = {b: Checked(b, names) for b in boundaries}
    checks = {p: per_boundary[boundary_of(cwd / p, boundaries)] for p in tops}
    builders = {b: Builder(c, facts, cluster_scoped) for b, c in per_boundary.items()}
    folders = {p: Path(os.path.realpath((cwd / p).parent)) for p in tops}
    trees = {p: checks[p].tree(folders[p]) for p in tops}
    used = {f for p, (order, _) in trees.items() for f in order if f != folders[p]}
    show = _Shower(cwd)
    notes: list[str] = []
    problems: list[Problem] = []
    rendered: list[Rendered] = []
    consumed: set[Path] = set()
    for p in (p for p in tops if folders[p] not in used):
        checked = checks[p]
        builder = builders[checked.boundary]
        order, stops = trees[p]
        top = checked.load(folders[p])
        if isinstance(top, Kustomization) and top.component:
            notes.append(f"kustomize Component {p} is rendered only through the kustomizations that use it")
            consumed.update([folders[p], *top.files])
            continue
        if stops:
            problems += [show.problem(s, f"kustomization {p} not rendered: {s.why}; its files are scanned as "
                                         "they are", ProblemKind.UNEVALUATED if s.refused else ProblemKind.UNREADABLE)
                         for s in stops]
            continue
        try:
            builder.builds = builder.objects = 0
            objects = builder.render(folders[p])
        except (RenderError, NotReadable, OSError) as err:
            why = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            problems.append(Problem(location=Location(p, 1), message=f"kustomization {p} cannot be rendered: "
                                                                      f"{why}; its files are scanned as they are"))
            continue
        rendered.append(Rendered(p, tuple(objects)))
        notes.append(f"rendered {p}")
        for folder in order:
            found = checked.load(folder)
            if isinstance(found, Kustomization):
                consumed.update([folder, *found.files])
                problems += [show.problem(u, f"kustomization {p} rendered without {u.why}: the namespaces and "
                                             "labels of its objects may differ from kustomize's",
                                          ProblemKind.UNEVALUATED)
                             for u in found.unsupported]
    covered = frozenset(p for p in paths if _consumed(Path(os.path.realpath(cwd / p)), consumed))
    return KustomizeOutcome(tuple(rendered), covered, tuple(notes), tuple(problems))


class _Shower:
    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(os.path.realpath(cwd))

    def problem(self, issue: Issue, message: str, kind: ProblemKind) -> Problem:
        shown = Path(os.path.relpath(issue.file, self.cwd)).as_posix()
        return Problem(location=Location(shown, issue.line), message=message, kind=kind)


def _consumed(path: Path, consumed: set[Path]) -> bool:
    return path in consumed or path.parent in consumed
