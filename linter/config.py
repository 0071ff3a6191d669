"""``.snclint.yaml``: found from the scanned path upward, validated by JSON Schema, returned frozen.

Read and validated once, here, by the policy loader's reader and checker (one error format:
``<file>: <JSON path>: <message>``); the rest of the code trusts the typed ``Config``. A bad config
is a ``ConfigError`` (exit 2).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Mapping

from linter.compiled import checked
from linter.errors import ConfigError
from linter.model import Location, Suppression
from linter.policy_files import check, document_problems, parse_document, read_text, unquoted

CONFIG_NAME = ".snclint.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterSpec:
    """A Kubernetes cluster named in the config and how its hosting is known."""

    name: str
    hosting: Mapping[str, str] | None = None  # {"provider": …, "offer": …, "region": …}
    terraform: str | None = None  # address of a scanned Terraform resource
    root: str | None = None  # root module of that resource when several define it
    paths: tuple[str, ...] = ()  # glob patterns of manifests placed on this cluster
    providers: tuple[str, ...] = ()  # Terraform provider configurations whose objects run on it


@dataclass(frozen=True, slots=True, kw_only=True)
class KubernetesConfig:
    """The config's ``kubernetes`` section: the clusters objects run on, and the default one."""

    clusters: Mapping[str, ClusterSpec] = field(default_factory=dict)
    default: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class System:
    """An information system (SPEC §4): what belongs to it takes its level, so that what cannot
    carry a tag (a managed database add-on, a Helm release) is classified all the same."""

    name: str
    level: str
    owner: str | None = None
    paths: tuple[str, ...] = ()  # globs on the file of the object
    roots: tuple[str, ...] = ()  # globs on the root module, Terragrunt unit or plan folder
    namespaces: tuple[str, ...] = ()  # Kubernetes namespaces (globs)
    addresses: tuple[str, ...] = ()  # globs on the address (module.db.*, helm_release.*)
    allow_lower_tags: bool = False  # a resource's own less strict tag wins over the level
    location: Location = Location("", 1)
    folder: str = ""  # the config file's folder (absolute): paths and roots are relative to it


@dataclass(frozen=True, slots=True, kw_only=True)
class Exception_:
    """A config exception (docs/architecture.md#config-exceptions): a suppression of ``rule`` on ``address``."""

    rule: str
    address: str
    suppression: Suppression
    file: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclaredHosting:
    """A hosting the team states for what code cannot reveal (a vCenter, an OpenStack auth URL),
    with the evidence it holds. Every criterion given must match; the first entry that matches wins."""

    index: int
    hosting: Mapping[str, str]  # {"provider": …, "offer": …, "region": …}
    evidence: Mapping[str, str]  # contract, attestation, reference: as written
    evidence_date: date | None
    provider_configs: tuple[str, ...] = ()  # globs on provider configuration addresses (provider.vsphere.main)
    roots: tuple[str, ...] = ()  # globs on root module folders
    hosts: tuple[str, ...] = ()  # globs on the host of a URL in the provider configuration
    paths: tuple[str, ...] = ()  # globs on the resource's file
    folder: str = ""  # the config file's folder (absolute): paths and roots are relative to it


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """A repository's ``.snclint.yaml`` (or the defaults), checked: what a scan reads of it."""

    path: str | None = None  # the file it came from, None for defaults
    keys: tuple[str, ...] | None = None  # classification keys, None: the policies' default
    levels: Mapping[str, tuple[str, ...]] | None = None
    requires: tuple[str, ...] | None = None  # levels requiring SecNumCloud, None: default
    kubernetes: KubernetesConfig = field(default_factory=KubernetesConfig)
    catalogs: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    exceptions: tuple[Exception_, ...] = ()
    fail_on: str | None = None  # the command line wins over these four
    strict: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    systems: tuple[System, ...] = ()
    declared_hosting: tuple[DeclaredHosting, ...] = ()
    # terraform.roots: root module folder -> the var files it is evaluated with (absolute paths)
    root_var_files: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # in-house modules declared in the config: a policy document of kind modules (docs/modules.md)
    modules: Mapping[str, Any] | None = None


def find_config(start: Path) -> Path | None:
    """The nearest ``.snclint.yaml`` in ``start`` or a parent, stopping at a git work tree's top."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def load_config(path: Path | None, display: str | None = None, *, confined: bool = True) -> Config:
    """Read and validate a config file; ``None`` gives the defaults.

    ``confined``: the file belongs to a scanned repository (found there, or named but lying in
    it), so the files it names (``catalog``, ``policies``) must stay inside that repository, links
    resolved: a hostile ``.snclint.yaml`` must not make snclint read ``/etc/passwd`` or
    ``~/.git-credentials``. Messages name files and keys, never a file's content."""
    if path is None:
        return Config()
    name = display or str(path)
    if confined and _outside(Path(os.path.realpath(path)), repository_of(path)):
        raise ConfigError(f"{name}: a link out of the repository: not read")
    data = _document(path, name)
    if confined:
        _confine(data, name, path.parent, repository_of(path))
    return _build(data, name, path.parent)


def _document(path: Path, name: str) -> Any:
    """The file's document, checked against the config schema; from the compiled copy when this
    text was checked before (``linter.compiled``, which keeps its dates as dates)."""
    return checked("config", read_text(path, name, ConfigError), partial(_read, name), __name__, also=("modules",))


def _read(name: str, text: str) -> Any:
    """Read and checked as a policy file is (the same bounded reader, the same one-line problems):
    a config file arrives with the repository, so it is not trusted either."""
    data = parse_document(text, name, ConfigError, dates=True)
    data = check({} if data is None else data, "config", name, ConfigError)
    document = _modules(data.get("modules"), name)
    problems = document_problems(document, "modules", name) if document else []
    if problems:  # checked here, with the rest of the file: a text checked before is not checked again
        raise ConfigError(problems[0].replace("groups[0].modules", "modules", 1))
    return data


def repository_of(config_file: Path) -> Path:
    """The git work tree holding a config file, else its folder (where the file is, not where a
    link of that name points)."""
    folder = Path(os.path.realpath(config_file.parent))
    return next((f for f in (folder, *folder.parents) if (f / ".git").exists()), folder)


def _outside(target: Path, repository: Path) -> bool:
    """Out of ``repository`` once links are resolved, or inside its ``.git``."""
    if target != repository and repository not in target.parents:
        return True
    return ".git" in target.relative_to(repository).parts


def _confine(data: Mapping[str, Any], name: str, base: Path, repository: Path) -> None:
    """Every path-valued key: ``catalog``, ``policies``, ``terraform.roots`` and their var files."""
    named: list[tuple[str, str, str]] = []  # (key path, value, the command-line option that may name it)
    for key in ("catalog", "policies"):
        named += [(f"{key}[{i}]", str(entry), f"--{key}") for i, entry in enumerate(data.get(key) or ())]
    for folder, spec in ((data.get("terraform") or {}).get("roots") or {}).items():
        named.append((f"terraform.roots.{folder}", str(folder), "a path to scan"))
        named += [(f"terraform.roots.{folder}.var_files[{i}]", str(f), "--var-file")
                  for i, f in enumerate((spec or {}).get("var_files") or ())]
    for where, value, option in named:
        if _outside(Path(os.path.realpath(base / value)), repository):
            raise ConfigError(unquoted(f"{name}: {where}: a path out of the repository (or into .git) is refused "
                                       f"in a repository's config; give it on the command line ({option}) if you "
                                       "trust it", name))


def _build(data: Mapping[str, Any], name: str, base: Path) -> Config:
    classification = data.get("classification") or {}
    levels = classification.get("levels")
    k8s = data.get("kubernetes") or {}
    clusters = {
        cname: ClusterSpec(
            name=cname,
            hosting=spec.get("hosting"),
            terraform=spec.get("terraform"),
            root=spec.get("root"),
            paths=tuple(spec.get("paths") or ()),
            providers=tuple(spec.get("providers") or ()),
        )
        for cname, spec in (k8s.get("clusters") or {}).items()
    }
    default = k8s.get("default")
    if default is not None and default not in clusters:
        raise ConfigError(unquoted(f"{name}: kubernetes.default: {default!r} is not a cluster of kubernetes.clusters",
                                   name))
    exceptions = tuple(
        Exception_(
            rule=item["rule"],
            address=item["address"],
            file=item.get("file"),
            suppression=Suppression(
                rules=(item["rule"],),
                reason=item.get("reason"),
                until=_as_date(item.get("expires"), f"{name}: exceptions.{index}.expires"),
                location=Location(name, 1),
                origin="config",
            ),
        )
        for index, item in enumerate(data.get("exceptions") or ())
    )
    systems = tuple(
        System(name=item["name"], level=item["level"], owner=item.get("owner"),
               paths=tuple(members.get("paths") or ()),
               roots=tuple(members.get("roots") or ()) + tuple(members.get("units") or ()),
               namespaces=tuple(members.get("namespaces") or ()),
               addresses=tuple(members.get("addresses") or ()),
               allow_lower_tags=bool(item.get("allow_lower_tags", False)), location=Location(name, 1),
               folder=str(base.resolve()))
        for item in data.get("systems") or ()
        for members in (item.get("members") or {},)
    )
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        twice = ", ".join(sorted({n for n in names if names.count(n) > 1}))
        raise ConfigError(unquoted(f"{name}: systems: a name is used twice ({twice})", name))
    declared_hosting = tuple(
        DeclaredHosting(index=index, hosting=dict(item["hosting"]),
                        evidence={k: str(v) for k, v in item["evidence"].items() if k != "date"},
                        evidence_date=_as_date(item["evidence"].get("date"),
                                               f"{name}: declared_hosting.{index}.evidence.date"),
                        provider_configs=tuple(match.get("provider_configs") or ()),
                        roots=tuple(match.get("roots") or ()), hosts=tuple(match.get("hosts") or ()),
                        paths=tuple(match.get("paths") or ()), folder=str(base.resolve()))
        for index, item in enumerate(data.get("declared_hosting") or ())
        for match in (item["match"],)
    )
    return Config(
        path=name,
        systems=systems,
        declared_hosting=declared_hosting,
        keys=tuple(classification["keys"]) if "keys" in classification else None,
        levels={k: tuple(v) for k, v in levels.items()} if levels else None,
        requires=tuple(classification["requires"]) if "requires" in classification else None,
        kubernetes=KubernetesConfig(clusters=clusters, default=default),
        catalogs=tuple(_shown(base / c) for c in data.get("catalog") or ()),
        policies=tuple(_shown(base / p) for p in data.get("policies") or ()),
        exceptions=exceptions,
        fail_on=data.get("fail_on"),
        strict=bool(data.get("strict", False)),
        select=tuple(str(r).upper() for r in data.get("select") or ()),
        ignore=tuple(str(r).upper() for r in data.get("ignore") or ()),
        modules=_modules(data.get("modules"), name),
        root_var_files={
            _absolute(base, folder): tuple(_absolute(base, f) for f in spec.get("var_files") or ())
            for folder, spec in ((data.get("terraform") or {}).get("roots") or {}).items()
        },
    )


def _modules(declared: Mapping[str, Any] | None, name: str) -> Mapping[str, Any] | None:
    """``modules:`` as a policy document of kind modules (checked by that kind's schema when the
    file is read, ``_read``)."""
    if not declared:
        return None
    return {"kind": "modules", "version": 1, "groups": [{"name": f"{name} modules", "modules": dict(declared)}]}


def _absolute(base: Path, path: str) -> str:
    """A path of the config, relative to the config's folder."""
    return str((base / path).resolve())


def _shown(path: Path) -> str:
    """Relative to the working directory when below it, as every other path the tool prints."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _as_date(value: Any, where: str) -> date | None:
    """An impossible date (``2027-13-45``) is an error: read as "no date", it would never expire."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {value} is not a date (YYYY-MM-DD)") from None
