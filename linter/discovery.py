"""Which files a scan reads, and the boundary it never reads past (docs/architecture.md#boundary).

Directories are walked without following links; a link whose target leaves the boundary is
reported, not followed. When pre-commit passes file names, each file brings its whole module or
manifest folder: a change to ``variables.tf`` can create a finding in an unchanged ``main.tf``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from linter import limits
from linter.errors import UsageError
from linter.model import Location, Problem

MAX_FILE_BYTES = limits.DISCOVERED_FILE_BYTES
SKIPPED_DIRS = frozenset({".git", ".terraform", ".terragrunt-cache", "node_modules", ".venv", "__pycache__",
                          ".snclint-cache"})
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
TFVARS_NAMES = ("terraform.tfvars", "terraform.tfvars.json")
TFVARS_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
VAR_FILE_SUFFIXES = (".tfvars", ".tfvars.json")
TERRAGRUNT_NAMES = ("terragrunt.hcl",)  # a unit; the files it includes are read through it


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    terraform: tuple[str, ...]
    terragrunt: tuple[str, ...]
    manifests: tuple[str, ...]
    plans: tuple[str, ...]
    var_files: tuple[str, ...] = ()  # ``.tfvars`` files named on the command line (pre-commit)
    problems: tuple[Problem, ...]
    boundary: Path
    file_names: bool = False  # file names were given (pre-commit): their callers matter too


def file_kind(name: str) -> str | None:
    """``terraform``, ``terragrunt``, ``manifest``, ``var-file`` (a ``.tfvars`` Terraform loads only
    when told to) or None, from the name alone (plans are told apart by content)."""
    if name in TERRAGRUNT_NAMES:
        return "terragrunt"
    if name.endswith(TERRAFORM_SUFFIXES) or name in TFVARS_NAMES or name.endswith(TFVARS_SUFFIXES):
        return "terraform"
    if name.endswith(VAR_FILE_SUFFIXES):
        return "var-file"
    if name.endswith(MANIFEST_SUFFIXES):
        return "manifest"
    return None


def find_boundary(path: Path) -> Path:
    """The git work tree holding ``path``, else the scanned path itself (its folder for a file)."""
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def repository_root(paths: Sequence[Path]) -> Path:
    """Where report paths start (docs/architecture.md#report-paths): the git work tree holding the
    first scanned path, else the folder the scanned paths share, so that ``cd infra && snclint
    scan .`` and ``snclint scan infra`` name files alike."""
    if not paths:
        return Path.cwd().resolve()
    boundary = find_boundary(paths[0])
    if (boundary / ".git").exists():
        return boundary
    folders = [str(p if p.is_dir() else p.parent) for p in (q.resolve() for q in paths)]
    return Path(os.path.commonpath(folders))


def display(path: Path, cwd: Path) -> str:
    """Posix path relative to the working directory when below it, else as given."""
    try:
        return path.relative_to(cwd).as_posix() or "."
    except ValueError:
        return os.path.relpath(path, cwd).replace(os.sep, "/")


def is_plan(path: Path) -> bool:
    """A Terraform plan in JSON (``terraform show -json``) is told apart by its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return b'"format_version"' in head and (b'"terraform_version"' in head or b'"planned_values"' in head)


def discover(paths: Sequence[str], cwd: Path) -> Inputs:
    """Sort the given paths (``-`` excluded) into Terraform files, manifests and plans."""
    real = [Path(p) if Path(p).is_absolute() else cwd / p for p in paths if p != "-"]
    boundary = find_boundary(real[0]) if real else cwd.resolve()
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for path in real:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{display(path, cwd)}: no such file or directory")
        if path.is_dir():
            _walk(path, boundary, cwd, found, problems)
        else:
            # a file name (pre-commit): take its whole folder, its module or manifest set
            kind = file_kind(path.name)
            if kind is None:
                continue
            if kind == "var-file":  # it feeds a root module; the scan finds which (``owning_root``)
                found[display(path, cwd)] = kind
                continue
            for sibling in _folder_files(path.parent, boundary, cwd, problems):
                if file_kind(sibling.name) == kind:
                    _add(sibling, cwd, found)
    terraform = tuple(sorted(p for p, k in found.items() if k == "terraform"))
    terragrunt = tuple(sorted(p for p, k in found.items() if k == "terragrunt"))
    manifests = tuple(sorted(p for p, k in found.items() if k == "manifest"))
    plans = tuple(sorted(p for p, k in found.items() if k == "plan"))
    var_files = tuple(sorted(p for p, k in found.items() if k == "var-file"))
    return Inputs(terraform=terraform, terragrunt=terragrunt, manifests=manifests, plans=plans,
                  var_files=var_files, problems=tuple(problems), boundary=boundary,
                  file_names=any(p.is_file() for p in real))


def module_files(folder: str, boundary: Path, cwd: Path) -> list[str]:
    """The Terraform files of one module folder (display paths), for a var file's root."""
    problems: list[Problem] = []
    return [display(p, cwd) for p in _folder_files(cwd / folder, boundary, cwd, problems)
            if file_kind(p.name) == "terraform"]


def owning_root(var_file: str, boundary: Path, cwd: Path) -> str | None:
    """The root module a var file feeds by the usual layouts: Terraform files in its own folder
    (``prod.tfvars`` beside ``main.tf``), else in the folder above (``envs/prod.tfvars``)."""
    folder = os.path.dirname(var_file) or "."
    for candidate in (folder, os.path.dirname(folder) or "." if folder != "." else None):
        if candidate is not None and any(p.endswith(TERRAFORM_SUFFIXES)
                                         for p in module_files(candidate, boundary, cwd)):
            return os.path.normpath(candidate)
    return None


def _add(path: Path, cwd: Path, found: dict[str, str]) -> None:
    kind = file_kind(path.name)
    if kind is None or kind == "var-file":  # a walk leaves them: Terraform loads them only when told
        return
    if kind == "manifest" and path.name.endswith(".json") and is_plan(path):
        kind = "plan"
    found[display(path, cwd)] = kind


def _walk(root: Path, boundary: Path, cwd: Path, found: dict[str, str], problems: list[Problem]) -> None:
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS
                         and not (Path(folder) / d / "CACHEDIR.TAG").is_file()  # a cache, not sources
                         and not _leaves(Path(folder) / d, boundary, cwd, problems))
        for path in _checked(Path(folder), sorted(names), boundary, cwd, problems):
            _add(path, cwd, found)


def _folder_files(folder: Path, boundary: Path, cwd: Path, problems: list[Problem]) -> Iterable[Path]:
    try:
        names = sorted(p.name for p in folder.iterdir() if not p.is_dir())
    except OSError:
        return []
    return _checked(folder, names, boundary, cwd, problems)


def _checked(folder: Path, names: Iterable[str], boundary: Path, cwd: Path,
             problems: list[Problem]) -> Iterable[Path]:
    for name in names:
        path = folder / name
        if file_kind(name) is None or _leaves(path, boundary, cwd, problems):
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if size > MAX_FILE_BYTES:
            problems.append(Problem(location=Location(display(path, cwd), 1),
                                    message=f"file of {size} bytes is over the {MAX_FILE_BYTES}-byte limit: not read"))
            continue
        yield path


def _leaves(path: Path, boundary: Path, cwd: Path, problems: list[Problem]) -> bool:
    """True for a link that points outside the boundary (reported once)."""
    if not path.is_symlink():
        return False
    target = path.resolve()
    if target == boundary or boundary in target.parents:
        return False
    problems.append(Problem(location=Location(display(path, cwd), 1),
                            message="symbolic link leaves the scanned repository: not followed"))
    return True
