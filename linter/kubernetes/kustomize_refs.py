"""Kustomize, step one: every file a kustomization names, found and checked before anything is rendered.

A scanned repository is not trusted, and a kustomization can name anything: a URL, a git
repository, ``/etc/passwd``, a symlink out of the repository. So every reference of every field of
every kustomization of a tree (its bases and components, recursively) is resolved here, symlinks
included, and checked: remote or outside the boundary is *refused*, a field kustomize does not know
is refused, and the renderer only ever reads the files this step accepted (``Checked.read``).

Three outcomes per kustomization: ``errors`` (kustomize itself would fail: a missing file, a cycle),
``refusals`` (snclint will not render it), ``unsupported`` (rendered without that feature, which
may change what its objects look like). Each carries the line of the kustomization it is about.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from linter import limits, read_log
from linter.files import NotReadable, read_regular
from linter.loaders.kubernetes import decode
from linter.loaders.safe_yaml import load_documents

COMPONENT = "Component"

# A kustomization's fields (kubernetes-sigs/kustomize api/types/kustomization.go, v5.5) and how
# snclint's renderer treats them.
RENDERED = frozenset({
    "apiVersion", "kind", "metadata", "namespace", "namePrefix", "nameSuffix", "commonLabels", "labels",
    "commonAnnotations", "resources", "bases", "components", "patches", "patchesStrategicMerge",
    "patchesJson6902", "configMapGenerator", "secretGenerator", "generatorOptions",
})
# what they change is not read by snclint (images, replica counts, output order, build annotations),
# or only matters for custom resources' names (crds, openapi), or never changes the output (validators)
IGNORED = frozenset({"images", "imageTags", "replicas", "sortOptions", "buildMetadata", "crds", "openapi",
                     "validators"})
UNSUPPORTED = {
    "replacements": "replacements", "vars": "vars", "configurations": "custom transformer configurations",
    "generators": "generator plugins", "transformers": "transformer plugins",
}
HELM = ("helmCharts", "helmChartInflationGenerator", "helmGlobals")

# remote in any case: a scheme, git's forms, kustomize's query parameters
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*::|[a-z][a-z0-9+.-]*:/|git@|ssh:|[\w.-]+@[\w.-]+:)"
                     r"|[?&](?:ref|version|submodules|timeout)=", re.I)
# remote when no such local path exists: kustomize reads ``github.com/org/repo/dir`` as a repository
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?::\d+)?/", re.I)


@dataclass(frozen=True, slots=True)
class Issue:
    file: Path  # the kustomization file
    line: int
    why: str
    refused: bool = False  # snclint's refusal, not a kustomize error


@dataclass(slots=True)
class Kustomization:
    folder: Path
    file: Path
    body: Mapping[str, Any]
    component: bool = False
    resources: list[Path] = field(default_factory=list)  # files and folders, in order
    components: list[Path] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)  # every file it names (patches, generator sources …)
    errors: list[Issue] = field(default_factory=list)
    refusals: list[Issue] = field(default_factory=list)
    unsupported: list[Issue] = field(default_factory=list)


class Checked:
    """The kustomizations read so far, by folder, and the files they are allowed to read."""

    def __init__(self, boundary: Path, names: Iterable[str]) -> None:
        self.boundary = boundary
        self.names = tuple(sorted(names))
        self.by_folder: dict[Path, Kustomization | Issue] = {}
        self._allowed: set[Path] = set()
        self._bytes: dict[Path, bytes] = {}

    def tree(self, folder: Path) -> tuple[list[Path], list[Issue]]:
        """The folders of every kustomization ``folder``'s is made of (itself first), and what
        stops the tree from being rendered (errors and refusals, its own and its parts')."""
        order: list[Path] = []
        stops: list[Issue] = []
        todo = [folder]
        while todo:
            current = todo.pop()
            if current in order:
                continue
            if len(order) >= limits.KUSTOMIZATIONS:
                stops.append(Issue(self.file_of(folder), 1, f"more than {limits.KUSTOMIZATIONS} kustomizations", True))
                break
            order.append(current)
            found = self.load(current)
            if isinstance(found, Issue):
                stops.append(found)
                continue
            stops += found.errors + found.refusals
            todo.extend(reversed([p for p in found.resources if p.is_dir()] + found.components))
        return order, stops

    def file_of(self, folder: Path) -> Path:
        found = self.by_folder.get(folder)
        return found.file if isinstance(found, (Kustomization, Issue)) else folder

    def load(self, folder: Path) -> Kustomization | Issue:
        if folder not in self.by_folder:
            self.by_folder[folder] = self._load(folder)
        return self.by_folder[folder]

    def read(self, path: Path) -> bytes:
        """A file this step accepted (``PermissionError`` for any other: a renderer bug)."""
        if path not in self._allowed:
            raise PermissionError(f"{path} was not checked")
        if path not in self._bytes:
            self._bytes[path] = read_regular(path, limits.MANIFEST_BYTES, follow_links=False)
        return self._bytes[path]

    def _load(self, folder: Path) -> Kustomization | Issue:
        read_log.folder_listed(folder)  # a kustomization file written here since counts
        spec = next((folder / n for n in self.names if (folder / n).is_file()), None)
        if spec is None:
            return Issue(folder, 1, f"{folder.name}/ has no kustomization file")
        if self._outside(spec):
            return Issue(spec, 1, f"{spec.name} is a link that leaves the scanned repository", True)
        try:
            text, why = decode(read_regular(spec, limits.MANIFEST_BYTES, follow_links=False))
        except NotReadable as err:
            return Issue(spec, 1, f"{spec.name} cannot be read ({err})")
        if text is None:
            return Issue(spec, 1, f"{spec.name} is {why}")
        documents, issue = load_documents(text)
        if issue is not None:
            return Issue(spec, issue.line, f"{spec.name} is not valid YAML: {issue.message}")
        body = documents[0].value if documents else None
        body = {} if body is None else body
        if not isinstance(body, Mapping):
            return Issue(spec, 1, f"{spec.name} is not a mapping")
        self._allowed.add(spec)
        found = Kustomization(folder, spec, body, component=body.get("kind") == COMPONENT)
        _Fields(self, found, text).check()
        return found

    def resolve(self, found: Kustomization, entry: Any, line: int, *, folder_ok: bool = False,
                file_ok: bool = True) -> Path | None:
        """The local path ``entry`` names, or None after recording why it cannot be used."""
        if not isinstance(entry, str) or not entry.strip():
            found.errors.append(Issue(found.file, line, f"{entry!r} is not a path"))
            return None
        target = found.folder / entry
        if _REMOTE.search(entry) or (_HOST.match(entry) and not os.path.lexists(target)):
            found.refusals.append(Issue(found.file, line, f"{entry} is remote (snclint never fetches)", True))
            return None
        resolved = Path(os.path.realpath(target))
        if self._outside(target):
            found.refusals.append(Issue(found.file, line, f"{entry} leaves the scanned repository", True))
            return None
        read_log.folder_listed(resolved.parent)  # a file or folder missing now counts when it appears
        if resolved.is_dir() and folder_ok:
            return resolved
        if resolved.is_file() and file_ok:
            self._allowed.add(resolved)
            found.files.add(resolved)
            return resolved
        what = "a file" if not folder_ok else "a file or a folder" if file_ok else "a folder"
        found.errors.append(Issue(found.file, line, f"{entry} is not {what} of the repository"))
        return None

    def _outside(self, path: Path) -> bool:
        """Outside the boundary once links are resolved, or inside a ``.git`` folder."""
        resolved = Path(os.path.realpath(path))
        outside = (resolved != self.boundary and self.boundary not in resolved.parents
                   or ".git" in resolved.relative_to(self.boundary).parts)
        read_log.place_checked(path, not outside)
        return outside


class _Fields:
    """The checks of one kustomization's fields."""

    def __init__(self, checked: Checked, found: Kustomization, text: str) -> None:
        self.checked, self.found, self.text = checked, found, text
        self.lines = text.splitlines()

    def check(self) -> None:
        body, found = self.found.body, self.found
        for key in body:
            line = self.key_line(key)
            if not isinstance(key, str) or key not in RENDERED | IGNORED | set(UNSUPPORTED) | set(HELM):
                found.refusals.append(Issue(found.file, line, f"unknown field {key!r} (kustomize would refuse "
                                                              "it too)", True))
            elif key in HELM:
                found.refusals.append(Issue(found.file, line, f"{key}: inflating Helm charts needs helm and "
                                                              "the network", True))
            elif key in UNSUPPORTED:
                found.unsupported.append(Issue(found.file, line, f"{key}: {UNSUPPORTED[key]} are not "
                                                                 "supported by snclint's renderer"))
        for key in ("resources", "bases"):
            for entry in _list(body.get(key)):
                path = self.checked.resolve(found, entry, self.entry_line(entry, key), folder_ok=True)
                if path is not None:
                    found.resources.append(path)
        for entry in _list(body.get("components")):
            path = self.checked.resolve(found, entry, self.entry_line(entry, "components"), folder_ok=True,
                                        file_ok=False)
            if path is not None:
                found.components.append(path)
        for key in ("crds", "configurations", "generators", "transformers", "validators"):
            self.paths(key, [e for e in _list(body.get(key)) if not _inline(e)])
        self.paths("patchesStrategicMerge", [e for e in _list(body.get("patchesStrategicMerge"))
                                             if not _inline(e) or self.exists(e)])
        for key in ("patches", "patchesJson6902", "replacements"):
            self.paths(key, [i["path"] for i in _maps(body.get(key)) if "path" in i])
        openapi = body.get("openapi")
        if isinstance(openapi, Mapping) and "path" in openapi:
            self.paths("openapi", [openapi["path"]])
        for key in ("configMapGenerator", "secretGenerator"):
            for item in _maps(body.get(key)):
                sources = [s.split("=", 1)[-1] if isinstance(s, str) else s for s in _list(item.get("files"))]
                self.paths(key, sources + _list(item.get("envs")) + _list(item.get("env")))
        if isinstance(body.get("labels"), list) and any("fields" in i for i in _maps(body.get("labels"))):
            found.unsupported.append(Issue(found.file, self.key_line("labels"), "labels: custom fields are not "
                                                                                "supported by snclint's renderer"))

    def paths(self, key: str, entries: list[Any]) -> None:
        for entry in entries:
            self.checked.resolve(self.found, entry, self.entry_line(entry, key))

    def exists(self, entry: Any) -> bool:
        return isinstance(entry, str) and "\n" not in entry and os.path.lexists(self.found.folder / entry)

    def key_line(self, key: Any) -> int:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(str(key))}[\"']?\s*:")
        return next((n for n, text in enumerate(self.lines, 1) if pattern.match(text)), 1)

    def entry_line(self, entry: Any, key: str) -> int:
        start = self.key_line(key)
        if isinstance(entry, str) and entry and "\n" not in entry:
            for n in range(start, len(self.lines) + 1):
                if entry in self.lines[n - 1]:
                    return n
        return start


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _maps(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in _list(value) if isinstance(v, Mapping)]


def _inline(entry: Any) -> bool:
    """A patch or plugin configuration written in place rather than a path."""
    return not isinstance(entry, str) or "\n" in entry or ": " in entry

