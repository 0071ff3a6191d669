"""Kustomizations: rendered with ``kubectl kustomize`` (or ``kustomize build``) when installed.

What a kustomization deploys is its rendered output, not its files (a patch looks like a partial
object; a base's objects are renamed and relabelled by the overlay). So:

- only the *top* kustomizations are rendered: those that no other scanned kustomization uses as a
  base or component (an overlay is rendered, its base is not rendered on its own);
- the files a rendered kustomization consumes are not scanned on their own: every file of the
  folders of the kustomizations it is made of, and every file they name (patches, generators);
- when it cannot be rendered (no kubectl, rendering off, a remote base, ``helmCharts``, a path that
  leaves the repository, kubectl failing), a note (or an SNC000 for a failure) says so and its
  files are scanned as they are, so that nothing is left unchecked.

snclint never fetches anything: a kustomization with a remote resource is not rendered.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping, Sequence

from linter.loaders.kubernetes import MAX_BYTES
from linter.loaders.safe_yaml import load_documents
from linter.model import Location, Problem

TIMEOUT_SECONDS = 60
# kustomization fields naming folders (bases) or files, and fields naming files only
_BASES = ("resources", "bases", "components")
_FILE_LISTS = ("crds", "transformers", "generators", "validators", "configurations", "patchesStrategicMerge")
_PATH_ITEMS = ("patches", "patchesJson6902", "replacements")
_GENERATORS = ("configMapGenerator", "secretGenerator")
_NETWORK = ("helmCharts", "helmChartInflationGenerator", "helmGlobals")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/)", re.I)


@dataclass(frozen=True, slots=True)
class Rendered:
    kustomization: str  # display path of the kustomization file
    output: bytes


@dataclass(frozen=True, slots=True)
class KustomizeOutcome:
    rendered: tuple[Rendered, ...] = ()
    covered: frozenset[str] = frozenset()  # display paths not to scan on their own
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(slots=True)
class _Kustomization:
    folder: Path
    bases: list[Path] = field(default_factory=list)  # folders of the kustomizations it uses
    files: list[Path] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)


def kustomize_command() -> list[str] | None:
    kubectl = shutil.which("kubectl")
    if kubectl:
        return [kubectl, "kustomize"]
    kustomize = shutil.which("kustomize")
    return [kustomize, "build"] if kustomize else None


def render_kustomizations(paths: Sequence[str], names: frozenset[str], *, cwd: Path, boundary: Path,
                          enabled: bool = True, command: list[str] | None = None) -> KustomizeOutcome:
    """Render the top kustomizations among ``paths`` (display paths relative to ``cwd``)."""
    tops = [p for p in paths if PurePosixPath(p).name in names]
    if not tops:
        return KustomizeOutcome()
    if not enabled:
        return KustomizeOutcome(notes=tuple(f"skipped kustomization {p}: rendering is off; its files "
                                            "are scanned as they are" for p in tops))
    command = command or kustomize_command()
    if command is None:
        return KustomizeOutcome(notes=tuple(f"skipped kustomization {p}: kubectl not found (nor "
                                            "kustomize); its files are scanned as they are" for p in tops))
    known: dict[Path, _Kustomization] = {}
    closures = {p: _closure((cwd / p).resolve().parent, names, boundary, known) for p in tops}
    used = {folder for p, c in closures.items() for folder in c if folder != (cwd / p).resolve().parent}
    tops = [p for p in tops if (cwd / p).resolve().parent not in used]
    tool = " ".join(PurePosixPath(c).name for c in command[:2])
    notes: list[str] = []
    problems: list[Problem] = []
    renderable: list[str] = []
    for p in tops:
        blockers = [b for folder in closures[p] for b in known[folder].blockers]
        if blockers:
            notes.append(f"kustomization {p} not rendered: {blockers[0]}; its files are scanned as they are")
        else:
            renderable.append(p)
    with ThreadPoolExecutor(max_workers=min(8, len(renderable) or 1)) as pool:
        outputs = list(pool.map(lambda p: _run(command, (cwd / p).resolve().parent), renderable))
    rendered: list[Rendered] = []
    consumed: set[Path] = set()
    for p, (output, error) in zip(renderable, outputs, strict=True):
        if output is None:
            problems.append(Problem(location=Location(p, 1), message=f"{tool} failed: {error}; the files "
                                                                      "are scanned as they are"))
            continue
        rendered.append(Rendered(p, output))
        notes.append(f"rendered {p} with {tool}")
        for folder in closures[p]:
            consumed.add(folder)
            consumed.update(known[folder].files)
    covered = frozenset(p for p in paths if _consumed((cwd / p).resolve(), consumed))
    return KustomizeOutcome(tuple(rendered), covered, tuple(notes), tuple(problems))


def _consumed(path: Path, consumed: set[Path]) -> bool:
    return path in consumed or path.parent in consumed


def _closure(folder: Path, names: frozenset[str], boundary: Path, known: dict[Path, _Kustomization]) -> list[Path]:
    """The folders of every kustomization that ``folder``'s is made of, itself first."""
    order: list[Path] = []
    todo = [folder]
    while todo:
        current = todo.pop()
        if current in order:
            continue
        order.append(current)
        if current not in known:
            known[current] = _read(current, names, boundary)
        todo.extend(reversed(known[current].bases))
    return order


def _read(folder: Path, names: frozenset[str], boundary: Path) -> _Kustomization:
    found = _Kustomization(folder)
    spec = next((folder / n for n in sorted(names) if (folder / n).is_file()), None)
    if spec is None:
        found.blockers.append(f"{folder.name}/ has no kustomization file")
        return found
    try:
        documents, issue = load_documents(spec.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        found.blockers.append(f"{spec.name} cannot be read ({err})")
        return found
    body = documents[0].value if documents and not issue else None
    if not isinstance(body, Mapping):
        return found  # kubectl will say what is wrong with it
    if any(key in body for key in _NETWORK):
        found.blockers.append(f"{spec} inflates Helm charts (helmCharts), which needs helm and the network")
    for entry in _strings(body.get(k) for k in _BASES):
        target = folder / entry
        if not target.exists() and _REMOTE.match(entry):
            found.blockers.append(f"it uses the remote resource {entry} (snclint never fetches)")
        elif _outside(target, boundary):
            found.blockers.append(f"{entry} is outside the scanned repository")
        elif target.is_dir():
            found.bases.append(target.resolve())
        else:
            found.files.append(target.resolve())
    for entry in _file_entries(body):
        target = folder / entry
        if _outside(target, boundary):
            found.blockers.append(f"{entry} is outside the scanned repository")
        else:
            found.files.append(target.resolve())
    return found


def _outside(path: Path, boundary: Path) -> bool:
    resolved = path.resolve()
    return resolved != boundary and boundary not in resolved.parents


def _strings(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        out += [v for v in items if isinstance(v, str) and v and "\n" not in v]
    return out


def _file_entries(body: Mapping[str, Any]) -> list[str]:
    """Files a kustomization names outside its resources (patches, generator sources …)."""
    entries = _strings(body.get(k) for k in _FILE_LISTS)
    for key in _PATH_ITEMS:
        entries += _strings(i.get("path") for i in _items(body.get(key)))
    for item in (i for key in _GENERATORS for i in _items(body.get(key))):
        entries += [e.rsplit("=", 1)[-1] for e in _strings([item.get("files"), item.get("envs"), item.get("env")])]
    return entries


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _run(command: list[str], folder: Path) -> tuple[bytes | None, str]:
    try:
        run = subprocess.run([*command, str(folder)], capture_output=True, timeout=TIMEOUT_SECONDS,
                             cwd=folder, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, f"no answer in {TIMEOUT_SECONDS} s"
    except OSError as err:
        return None, str(err)
    if run.returncode != 0:
        lines = [ln for ln in run.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
        return None, (lines[-1].strip() if lines else f"exit status {run.returncode}")[:300]
    if len(run.stdout) > MAX_BYTES:
        return None, "its output is over the 20 MB limit"
    return run.stdout, ""
