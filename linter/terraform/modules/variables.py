"""The names a module's expressions see: ``var``, ``local``, ``module``, ``path``, resources…

Values come as Terraform decides them: a root variable from ``--var``, then ``--var-file``s, then
``*.auto.tfvars`` (lexical order), then ``terraform.tfvars``, then its default; a child module's
variable from its call's argument (evaluated in the caller's scope and instance), then its
default. A variable with none of these is Unknown, never empty. Locals are lazy cells, so a cycle
among them is Unknown rather than a hang.
"""
from __future__ import annotations

import posixpath
from functools import partial
from typing import Any, Iterable, Mapping

from linter.loaders.ir import ConfigFile, Literal
from linter.model import Unknown
from linter.terraform.language.deferred import Cell
from linter.terraform.language.type_constraints import ANY, TypeSpec, convert, parse_type
from linter.terraform.language.values import materialize
from linter.terraform.modules.definitions import Decl, ModuleDef
from linter.terraform.modules.expand import value_of
from linter.terraform.modules.instance import Instance

DATA_UNKNOWN = "data sources are read when Terraform runs"


class EmptyScope:
    """For variable defaults and tfvars: no reference is allowed there."""

    def lookup(self, name: str) -> Any:
        raise KeyError(name)


EMPTY = EmptyScope()


def tfvars_order(paths: Iterable[str]) -> list[str]:
    """``terraform.tfvars``, ``terraform.tfvars.json``, then ``*.auto.tfvars[.json]`` by name."""
    def rank(path: str) -> tuple[int, str]:
        name = posixpath.basename(path)
        if name == "terraform.tfvars":
            return (0, name)
        if name == "terraform.tfvars.json":
            return (1, name)
        return (2, name)
    return sorted(paths, key=rank)


def assignments(files: Iterable[ConfigFile], cli: Mapping[str, str]) -> dict[str, Any]:
    """Root variable values from tfvars files (in precedence order, last wins) and ``--var``."""
    values: dict[str, Any] = {}
    for config in files:
        for attribute in config.body.attributes:
            values[attribute.name] = value_of(attribute.expr, EMPTY)
    values.update(cli)
    return values


def variable_cells(inst: Instance) -> dict[str, Cell]:
    return {name: Cell(_variable(inst, name, decl), f"var.{name}")
            for name, decl in inst.definition.variables.items()}


def _variable(inst: Instance, name: str, decl: Decl) -> Any:
    def compute() -> Any:
        value: Any = _NOTHING
        if inst.parent is None:
            value = inst.ctx.assigned.get(name, _NOTHING)
        elif inst.call is not None and inst.call_scope is not None:
            argument = inst.call.block.body.attribute(name)
            if argument is not None:
                value = value_of(argument.expr, inst.call_scope)
        if value is None and _not_nullable(decl):
            value = _NOTHING
        if value is _NOTHING:
            default = decl.block.body.attribute("default")
            if default is None:
                return Unknown(f"var.{name} has no value")
            value = value_of(default.expr, EMPTY)
        spec = declared_type(inst.definition, name, decl)
        return value if spec is ANY else convert(materialize(value), spec)
    return compute


def declared_type(definition: ModuleDef, name: str, decl: Decl) -> TypeSpec:
    """The variable's ``type``, parsed once per module definition (a module called many times)."""
    types = definition.variable_types
    if name not in types:
        attribute = decl.block.body.attribute("type")
        types[name] = parse_type(attribute.expr if attribute is not None else None,
                                 lambda expr: value_of(expr, EMPTY))
    spec: TypeSpec = types[name]
    return spec


_NOTHING = object()


def _not_nullable(decl: Decl) -> bool:
    attribute = decl.block.body.attribute("nullable")
    return attribute is not None and isinstance(attribute.expr, Literal) and attribute.expr.value is False


def local_cells(inst: Instance) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for name, decl in inst.definition.locals.items():
        expr = decl.attribute.expr
        cells[name] = Cell(partial(value_of, expr, inst.scope), f"local.{name}")
    return cells


class ModuleScope:
    """What expressions of one module instance see; ``names`` adds ``each``/``count``."""

    __slots__ = ("inst",)

    def __init__(self, inst: Instance) -> None:
        self.inst = inst

    def lookup(self, name: str) -> Any:
        inst = self.inst
        if name == "var":
            return inst.vars
        if name == "local":
            return inst.locals
        if name == "module":
            return inst.modules
        if name == "path":
            return {"module": inst.path_module, "root": ".",
                    "cwd": Unknown("path.cwd depends on where Terraform runs")}
        if name == "terraform":
            return {"workspace": "default"}
        if name == "data":
            return Unknown(DATA_UNKNOWN)
        if name == "self":
            return Unknown("self is only known when Terraform runs")
        resources = inst.resource_map(name)
        if resources is None:
            raise KeyError(name)
        return resources
