"""The module tree of one root module: module calls, their sources and their instances.

A call's source is read from disk when it is local (``./x``, ``../x``: relative to the calling
module's folder, refused when it leaves the boundary) or when ``terraform init`` downloaded it
(``.terraform/modules/modules.json``, by call path ``db.inner``). Anything else — not downloaded,
not a literal, a module calling itself, nesting deeper than ``MAX_DEPTH`` — makes the call
*opaque*: the frontend emits one node for it, classified by its arguments.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Mapping

from linter import limits
from linter.knowledge import Knowledge
from linter.model import ProblemKind, Unknown
from linter.module_sources import is_local_source
from linter.terraform.language.deferred import Cell, LazyMap
from linter.terraform.language.literals import literal_string
from linter.terraform.modules.definitions import Decl, ModuleDef
from linter.terraform.modules.expand import Expansion, Extended, Scope, address_key, expansion, value_of
from linter.terraform.modules.providers import ProviderTable
from linter.terraform.modules.reader import Reader, join
from linter.terraform.modules.resources import ResourceEval
from linter.terraform.modules.variables import ModuleScope, local_cells, variable_cells

if TYPE_CHECKING:
    from linter.model import ProviderConfig

MAX_DEPTH = limits.MODULE_DEPTH
MAX_INSTANCES = limits.ROOT_INSTANCES


@dataclass(slots=True)
class RootContext:
    """What every module instance of one root module shares."""

    root: str  # the root module's folder as given ("." for the working directory)
    knowledge: Knowledge
    reader: Reader
    definition_of: Callable[[str], ModuleDef | None]  # folder → parsed module (cached across roots)
    assigned: Mapping[str, Any]  # root variable values from tfvars, --var-file, --var
    implicit: dict[str, ProviderConfig]  # empty provider configurations made for unconfigured names
    provider_blocks: dict[str, tuple[Decl, ModuleInstance]]  # provider address → its block, module
    instances_left: int = MAX_INSTANCES  # module and resource instances this root may still make
    budget_reported: bool = False
    instances: list[ModuleInstance] = field(default_factory=list)  # every one made, for ``release``

    def admit(self, exp: Expansion, what: str) -> Expansion:
        """``exp`` when the root's instance budget allows it, else one instance standing for all
        (a hostile ``for_each`` nested in module ``for_each``s must not explode). Every instance
        counts, a single one too: nesting and fan-out of plain calls are bounded as well."""
        if exp.mode in ("count", "for_each") and len(exp.items) > max(self.instances_left, 0):
            exp = Expansion(mode="unknown", meta=exp.meta, items=((None, None),),
                            reason=f"{what} has more instances than are expanded in one root module "
                                   f"({MAX_INSTANCES})")
        self.instances_left -= len(exp.items)
        return exp

    @property
    def spent(self) -> bool:
        return self.instances_left < 0

    def release(self) -> None:
        """Drop what the root's module instances hold, once its nodes are made. Their scopes,
        cells and resources refer back to them (values computed on first use), so a root's whole
        evaluation is one reference cycle: without this it waits for the cycle collector, which
        walks every object made since its last pass to find it, instead of being freed at once."""
        for instance in self.instances:
            for resource in instance.resources.values():  # its cells refer back to it as well
                resource.__dict__.clear()
            instance.__dict__.clear()
        self.instances.clear()


@dataclass(slots=True)
class CallResult:
    """A module call evaluated in one instance of its calling module."""

    name: str
    decl: Decl
    source: str
    expansion: Expansion
    scopes: tuple[tuple[int | str | None, Scope], ...]  # per call instance: key, the caller's scope
    children: tuple[ModuleInstance, ...] = ()  # empty when opaque
    opaque: str | None = None  # why the source was not read

    def value(self) -> Any:
        """What ``module.<name>`` evaluates to."""
        if self.opaque is not None:
            return Unknown(f"module.{self.name}: {self.opaque}")
        if self.expansion.mode == "unknown":
            return Unknown(self.expansion.reason)
        if self.expansion.mode == "single":
            return self.children[0].outputs
        if self.expansion.mode == "count":
            return [c.outputs for c in self.children]
        return {str(c.key): c.outputs for c in self.children}


class ModuleInstance:
    def __init__(self, ctx: RootContext, definition: ModuleDef, *, parent: ModuleInstance | None = None,
                 call: Decl | None = None, key: int | str | None = None, call_scope: Scope | None = None) -> None:
        self.ctx = ctx
        ctx.instances.append(self)
        self.definition = definition
        self.parent = parent
        self.call = call
        self.key = key
        self.call_scope = call_scope
        self.depth: int = parent.depth + 1 if parent else 0
        name = call.block.labels[0] if call is not None else ""
        self.call_path: tuple[str, ...] = (*parent.call_path, name) if parent else ()
        step = f"module.{name}"
        self.address: str = _dotted(parent.address, step + address_key(key)) if parent else ""
        self.base: str = _dotted(parent.base, step) if parent else ""
        self.path_module = posixpath.relpath(definition.folder, ctx.root) if parent else "."
        self.scope: ModuleScope = ModuleScope(self)
        self.vars = LazyMap(variable_cells(self))
        self.locals = LazyMap(local_cells(self))
        self._calls = {n: Cell(partial(self._resolve, n), f"module.{n}") for n in definition.calls}
        self.modules = LazyMap({n: Cell(partial(self._call_value, n), f"module.{n}") for n in definition.calls})
        self.outputs = LazyMap({n: Cell(partial(_output, d, self.scope), f"output {n}")
                                for n, d in definition.outputs.items()})
        self.resources = {key_: ResourceEval(self, key_[0], key_[1], decl)
                          for key_, decl in definition.resources.items()}
        self._resource_maps: dict[str, LazyMap] = {}
        self._providers: ProviderTable | None = None

    @property
    def providers(self) -> ProviderTable:
        if self._providers is None:
            self._providers = ProviderTable(self)
        return self._providers

    def provider_configured(self, address: str, decl: Decl) -> None:
        self.ctx.provider_blocks[address] = (decl, self)

    def resource_map(self, type_: str) -> LazyMap | None:
        """``aws_s3_bucket`` in an expression: its resources of this module instance by name."""
        if type_ not in self._resource_maps:
            cells = {name: r.value for (t, name), r in self.resources.items() if t == type_}
            if not cells:
                return None
            self._resource_maps[type_] = LazyMap(cells)
        return self._resource_maps[type_]

    def call_result(self, name: str) -> CallResult:
        result = self._calls[name].get()
        if isinstance(result, CallResult):
            return result
        decl = self.definition.calls[name]
        reason = result.reason if isinstance(result, Unknown) else "not known"
        exp = Expansion(mode="unknown", items=((None, None),), reason=reason)
        return CallResult(name=name, decl=decl, source=_source(decl) or "?", expansion=exp,
                          scopes=((None, self.scope),), opaque=reason)

    def _call_value(self, name: str) -> Any:
        return self.call_result(name).value()

    def calls(self) -> list[CallResult]:
        return [self.call_result(name) for name in self.definition.calls]

    def ancestors(self) -> list[ModuleInstance]:
        found: list[ModuleInstance] = []
        current: ModuleInstance | None = self
        while current is not None:
            found.append(current)
            current = current.parent
        return found

    def _resolve(self, name: str) -> CallResult:
        decl = self.definition.calls[name]
        source = _source(decl)
        what = _dotted(self.address, f"module.{name}")
        exp = self.ctx.admit(expansion(decl.block.body, self.scope, what), what)
        scopes = tuple((key if exp.mode in ("count", "for_each") else None,
                        Extended(self.scope, exp.names(key, value)) if exp.meta else self.scope)
                       for key, value in exp.items)
        result = CallResult(name=name, decl=decl, source=source or "?", expansion=exp, scopes=scopes)
        if self.ctx.spent:
            result.opaque = (f"module source {source} was not read: the root module has more than "
                             f"{MAX_INSTANCES} module and resource instances")
            if not self.ctx.budget_reported:
                self.ctx.budget_reported = True
                self.ctx.reader.problem(decl.file, decl.block.line, f"root module {self.ctx.root}: more than "
                                        f"{MAX_INSTANCES} module and resource instances (modules nested or "
                                        f"fanned out): {what} and the calls after it are not expanded")
            return result
        folder, why = self._folder(decl, source, (*self.call_path, name))
        definition = self.ctx.definition_of(folder) if folder is not None else None
        if folder is not None and definition is None:
            why = f"module source {source} was not found on disk"
        if definition is None:
            result.opaque = why
            return result
        result.children = tuple(ModuleInstance(self.ctx, definition, parent=self, call=decl, key=key,
                                               call_scope=scope) for key, scope in scopes)
        return result

    def _folder(self, decl: Decl, source: str | None, call_path: tuple[str, ...]) -> tuple[str | None, str]:
        """The folder of a call's source, or None and why it is not read."""
        reader = self.ctx.reader
        if source is None:
            return None, "the module source is not a literal string"
        if self.depth + 1 > MAX_DEPTH:
            return None, f"module source {source} was not read: modules nest deeper than {MAX_DEPTH}"
        if is_local_source(source):
            folder = join(self.definition.folder, source)
        else:
            entry = reader.manifest(self.ctx.root).get(".".join(call_path))
            if entry is None:
                return None, (f"module source {source} was not read: it is not on disk "
                              "(not downloaded under .terraform/modules; snclint never fetches)")
            folder = entry.dir
        if not reader.inside(folder):
            line = _source_line(decl)
            reader.problem(decl.file, line, f"module {decl.block.labels[0]}: source {source} leaves the "
                                            "scanned repository, so it was not read: scan the parent folder or "
                                            "run inside the git work tree", kind=ProblemKind.NOTE)
            return None, f"module source {source} was not read: it leaves the scanned repository"
        if any(a.definition.folder == folder for a in self.ancestors()):
            return None, f"module source {source} was not read: the module calls itself"
        return folder, ""


def _dotted(prefix: str, step: str) -> str:
    return f"{prefix}.{step}" if prefix else step


def _source(decl: Decl) -> str | None:
    attribute = decl.block.body.attribute("source")
    return literal_string(attribute.expr) if attribute is not None else None


def _source_line(decl: Decl) -> int:
    attribute = decl.block.body.attribute("source")
    return attribute.line if attribute is not None else decl.block.line


def _output(decl: Decl, scope: Scope) -> Any:
    attribute = decl.block.body.attribute("value")
    return value_of(attribute.expr, scope) if attribute is not None else None
