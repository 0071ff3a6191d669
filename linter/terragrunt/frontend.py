"""The Terragrunt frontend: ``terragrunt.hcl`` units → one ``Fragment`` of nodes per scan.

Each unit is a root: its module (a local ``terraform { source }``, else the unit's own folder) is
evaluated as the Terraform frontend evaluates a root module, with the unit's ``inputs`` as the
root variables and its ``generate`` blocks as files of the module (a generated file replaces the
module's file of the same name, as ``if_exists = "overwrite"`` does). A remote source is not
fetched: the unit becomes one opaque module call with the inputs as arguments, classified and
hosted as any opaque module. Nodes are keyed and rooted by the unit's folder, so two environments
running one module give two findings on the module's file, each naming its unit.

The folders a unit consumes (its own, its local module source) are returned so that the Terraform
frontend does not also evaluate them as root modules with their defaults.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from linter.knowledge import Knowledge
from linter.loaders.ir import Attribute, Block, Body, ConfigFile, GetAttr, Literal, Variable
from linter.loaders.parallel import loader_for
from linter.model import Fragment, Node, Unknown
from linter.module_sources import is_fetched_source, registry_address
from linter.terraform.modules.definitions import ModuleDef, build_module
from linter.terraform.modules.frontend import notes_apart, unknown_sources
from linter.terraform.modules.instances_to_nodes import Grouping
from linter.terraform.modules.reader import Reader
from linter.terraform.modules.resource_instances import walk
from linter.terraform.modules.tree import ModuleInstance, RootContext
from linter.terraform.modules.variables import assignments
from linter.terragrunt.config import Generated, Loader, Source, UnitConfig, units

_TFR = re.compile(r"^tfr://(?P<host>[^/]*)/(?P<path>[^?]+)")


@dataclass(frozen=True, slots=True)
class TerragruntResult:
    fragment: Fragment
    folders: frozenset[str]  # unit folders and their local module sources


class _AllUnknown(Mapping[str, Any]):
    """The root variables of a unit whose ``inputs`` cannot be evaluated: each one is Unknown
    (never its default, which the unit may well override)."""

    def __init__(self, why: Unknown) -> None:
        self.why = why

    def __getitem__(self, key: str) -> Any:
        return Unknown(f"var.{key}: the unit's inputs cannot be evaluated ({self.why.reason})")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def load_terragrunt(paths: Sequence[str], *, knowledge: Knowledge, boundary: Path, cwd: Path | None = None,
                    parse_cache: bool = False) -> TerragruntResult:
    """Evaluate the units among ``paths`` (``terragrunt.hcl`` files, posix, relative to ``cwd``)."""
    reader = Reader(cwd or Path.cwd(), boundary, {}, cache=parse_cache)
    loader = Loader(reader)
    cache: dict[str, ModuleDef | None] = {}

    def definition_of(folder: str) -> ModuleDef | None:
        if folder not in cache:
            configs = reader.module(folder)
            cache[folder] = build_module(folder, configs) if configs is not None else None
        return cache[folder]

    nodes: list[Node] = []
    folders: set[str] = set()
    for unit in units(loader, sorted(posixpath.normpath(p) for p in paths)):
        folder = posixpath.dirname(unit.path) or "."
        folders.add(folder)
        definition, module_folder = _root(unit, folder, loader)
        if module_folder is not None:
            folders.add(module_folder)
        if definition is None:
            continue
        assigned: Mapping[str, Any] = _AllUnknown(unit.inputs) if isinstance(unit.inputs, Unknown) else (
            unit.inputs if isinstance(unit.inputs, dict) else {})
        if unit.var_files and not isinstance(assigned, _AllUnknown):
            # -var-file wins over inputs (TF_VAR_ variables), as in Terraform
            files = [c for c in (reader.parse(p, tfvars=True) for p in unit.var_files) if c is not None]
            assigned = {**assigned, **assignments(files, {})}
        ctx = RootContext(root=folder, knowledge=knowledge, reader=reader, definition_of=definition_of,
                          assigned=assigned, implicit={}, provider_blocks={})
        try:
            nodes.extend(Grouping(folder, list(walk(ModuleInstance(ctx, definition)))).nodes())
        finally:
            ctx.release()
    problems, notes = notes_apart(reader.problems)
    fragment = Fragment(nodes=tuple(nodes), problems=problems, files=tuple(sorted(reader.files)),
                        notes=(*notes, *unknown_sources(nodes, knowledge)))
    return TerragruntResult(fragment=fragment, folders=frozenset(folders))


def _root(unit: UnitConfig, folder: str, loader: Loader) -> tuple[ModuleDef | None, str | None]:
    """The unit's root module (with its generated files) and the local folder it comes from."""
    reader = loader.reader
    generated = [c for c in (_generated(g, reader) for g in unit.generated.values()) if c is not None]
    names = {posixpath.basename(g.path) for g in unit.generated.values()}
    source = unit.source
    if source is not None and not isinstance(source.value, str):
        why = source.value.reason if isinstance(source.value, Unknown) else "it is not a string"
        reader.problem(source.file, source.line, f"terraform source cannot be evaluated: {why}: the unit is not read")
        return None, None
    if source is not None and _is_remote(source.value):
        return build_module(folder, [*generated, _opaque_call(source, unit.inputs)]), None
    module = folder if source is None else _local_folder(source, folder, loader)
    if module is None:
        return None, None
    configs = reader.module(module)
    if configs is None and source is not None:
        reader.problem(source.file, source.line, f"terraform source {source.value}: no Terraform files in {module}")
        return None, module
    kept = [c for c in configs or () if posixpath.basename(c.path) not in names]
    if not kept and not generated:
        return None, module
    return build_module(module, [*kept, *generated]), module


def _is_remote(source: str) -> bool:
    return source.startswith("tfr:") or is_fetched_source(source)


def _local_folder(source: Source, folder: str, loader: Loader) -> str | None:
    """``../../modules//db`` → ``modules/db`` (relative to the working directory), refused when
    it leaves the repository."""
    value = str(source.value).split("?", 1)[0]
    if "//" in value.lstrip("/"):
        head, _, sub = value.rpartition("//")
        value = f"{head}/{sub}"
    module = loader.relative(value, folder)
    if not loader.reader.inside(module):
        loader.reader.problem(source.file, source.line, f"terraform source {source.value} leaves the scanned "
                                                        "repository: scan the parent folder or run inside the git "
                                                        "work tree")
        return None
    return module


def _registry(source: str) -> str:
    """``tfr:///ns/name/provider//sub?version=1`` → ``ns/name/provider//sub``: the module's
    registry address, as a Terraform module call would write it."""
    match = _TFR.match(source)
    if match is None:
        return source
    host = match.group("host")
    return f"{host}/{match.group('path')}" if host else match.group("path")


def _call_name(source: str) -> str:
    """A module call name: a registry module's name (``terraform-aws-modules/rds/aws`` → ``rds``),
    else the source's last path element (``…/terraform-aws-rds.git?ref=v1`` → ``terraform-aws-rds``)."""
    registry = registry_address(source)
    if registry is not None:
        return registry.split("/")[1]
    path = source.split("?", 1)[0].rstrip("/").split("::")[-1]
    last = re.split(r"[/:]", path)[-1].removesuffix(".git")
    return re.sub(r"[^A-Za-z0-9_-]", "_", last) or "this"


def _opaque_call(source: Source, inputs: Any) -> ConfigFile:
    """``module "<name>" { source = …; <input> = var.<input> … }`` with one variable per input:
    the remote module as one opaque call fed by the unit's inputs."""
    keys = sorted(inputs) if isinstance(inputs, dict) else []
    line = source.line
    value = _registry(str(source.value))
    arguments = tuple(Attribute(k, GetAttr(Variable("var", line), k, line), line) for k in keys)
    call = Block(type="module", labels=(_call_name(value),),
                 body=Body(attributes=(Attribute("source", Literal(value, line), line), *arguments)), line=line)
    variables = tuple(Block(type="variable", labels=(k,), body=Body(), line=line) for k in keys)
    return ConfigFile(source.file, body=Body(blocks=(call, *variables)))


def _generated(generated: Generated, reader: Reader) -> ConfigFile | None:
    """A generated file parsed as if it were in the module; its lines are those of the
    configuration file that holds the ``generate`` block, so findings point there."""
    if not isinstance(generated.text, str):
        why = generated.text.reason if isinstance(generated.text, Unknown) else "it is not a string"
        reader.problem(generated.file, generated.first_line,
                       f"generate {generated.name}: its contents cannot be evaluated ({why}): not used")
        return None
    if not generated.path.endswith((".tf", ".tf.json")):
        return None  # not Terraform (a .tfvars, a script…): Terraform does not read it as a module file
    padding = "\n" * max(generated.first_line - 1, 0)
    config = loader_for(generated.path)(generated.file, padding + generated.text)
    for error in config.errors:
        reader.problem(generated.file, error.line or generated.first_line,
                       f"generate {generated.name}: {error.message}")
    return None if config.errors else config
