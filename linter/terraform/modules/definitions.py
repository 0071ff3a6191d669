"""What one module directory declares, indexed by name: the static view of its files.

A module is every ``.tf``/``.tf.json`` file of one directory. This index is built once per
directory (a module called twice is read once) and holds IR only; evaluation happens per module
instance, elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from linter.knowledge import Knowledge
from linter.loaders.ir import Attribute, Block, ConfigFile, ObjectExpr
from linter.model import Location
from linter.provider_sources import normalise_provider_source
from linter.terraform.language.literals import literal_string


@dataclass(frozen=True, slots=True)
class Decl:
    """A block or attribute with the file that holds it."""

    file: str
    block: Block

    @property
    def location(self) -> Location:
        return Location(self.file, self.block.line)


@dataclass(frozen=True, slots=True)
class LocalDecl:
    file: str
    attribute: Attribute


@dataclass(slots=True)
class ModuleDef:
    folder: str
    files: tuple[str, ...] = ()
    variables: dict[str, Decl] = field(default_factory=dict)
    locals: dict[str, LocalDecl] = field(default_factory=dict)
    outputs: dict[str, Decl] = field(default_factory=dict)
    resources: dict[tuple[str, str], Decl] = field(default_factory=dict)
    data: dict[tuple[str, str], Decl] = field(default_factory=dict)
    calls: dict[str, Decl] = field(default_factory=dict)
    providers: list[Decl] = field(default_factory=list)
    required_providers: dict[str, str] = field(default_factory=dict)  # local name → source as written
    duplicates: list[tuple[Location, str]] = field(default_factory=list)
    variable_types: dict[str, Any] = field(default_factory=dict)  # parsed on first use (variables)

    def provider_source(self, name: str, knowledge: Knowledge) -> str | None:
        """The source ``required_providers`` declares for a local name, registry host left out."""
        source = self.required_providers.get(name)
        return normalise_provider_source(source, knowledge) if source is not None else None


def build_module(folder: str, configs: Iterable[ConfigFile]) -> ModuleDef:
    module = ModuleDef(folder=folder)
    files: list[str] = []
    for config in configs:
        files.append(config.path)
        for block in config.body.blocks:
            _index(module, Decl(config.path, block))
    module.files = tuple(files)
    return module


def _index(module: ModuleDef, decl: Decl) -> None:
    block = decl.block
    labels = block.labels
    if block.type == "resource" and len(labels) == 2:
        _add(module, module.resources, (labels[0], labels[1]), decl, f"resource {labels[0]}.{labels[1]}")
    elif block.type == "data" and len(labels) == 2:
        _add(module, module.data, (labels[0], labels[1]), decl, f"data {labels[0]}.{labels[1]}")
    elif block.type == "variable" and len(labels) == 1:
        _add(module, module.variables, labels[0], decl, f"variable {labels[0]}")
    elif block.type == "output" and len(labels) == 1:
        _add(module, module.outputs, labels[0], decl, f"output {labels[0]}")
    elif block.type == "module" and len(labels) == 1:
        _add(module, module.calls, labels[0], decl, f"module {labels[0]}")
    elif block.type == "provider" and len(labels) == 1:
        module.providers.append(decl)
    elif block.type == "locals":
        for attribute in block.body.attributes:
            if attribute.name in module.locals:
                module.duplicates.append((Location(decl.file, attribute.line), f"local {attribute.name}"))
            else:
                module.locals[attribute.name] = LocalDecl(decl.file, attribute)
    elif block.type == "terraform":
        for required in block.body.blocks_of("required_providers"):
            for attribute in required.body.attributes:
                module.required_providers.setdefault(attribute.name, _source_of(attribute))


def _add(module: ModuleDef, table: dict, key: object, decl: Decl, what: str) -> None:
    if key in table:
        module.duplicates.append((decl.location, what))
    else:
        table[key] = decl


def _source_of(attribute: Attribute) -> str:
    """``aws = { source = "hashicorp/aws" }``; the legacy ``aws = "~> 3.0"`` means hashicorp/."""
    if isinstance(attribute.expr, ObjectExpr):
        for key, value in attribute.expr.items:
            if literal_string(key) == "source":
                text = literal_string(value)
                if text:
                    return text
    return f"hashicorp/{attribute.name}"
