"""A Terragrunt unit's configuration, evaluated: what it gives the Terraform module it runs.

``terragrunt.hcl`` is read as Terragrunt reads it: its ``include`` blocks (one level, as in
Terragrunt) with their merge strategy (``shallow`` by default, ``deep``, ``no_merge``) and
``expose``; ``locals`` (each file its own); ``dependency`` blocks (``outputs`` are the
``mock_outputs`` when given, else Unknown: they exist only once the dependency is applied);
``inputs``; ``terraform { source }``; ``generate`` blocks, whose ``contents`` become a file of the
module. Functions are evaluated in the context Terragrunt gives them: in an included file,
``find_in_parent_folders`` and ``get_terragrunt_dir`` speak of the unit that includes it.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Iterable

from linter import limits, read_log
from linter.loaders.ir import Block, Body
from linter.model import Unknown
from linter.terraform.language.deferred import Cell, LazyMap
from linter.terraform.language.values import Invalid, find_unknown
from linter.terraform.modules.expand import value_of
from linter.terraform.modules.reader import Reader
from linter.terragrunt.functions import functions_for

STRATEGIES = ("shallow", "deep", "no_merge")


@dataclass(frozen=True, slots=True)
class Generated:
    """A ``generate`` block: ``text`` is the file Terragrunt writes into the module folder."""

    name: str
    path: str  # the file name in the module folder ("provider.tf")
    text: Any  # str, or Unknown
    file: str  # the configuration file that holds the block
    first_line: int  # the line of that file where the contents start


@dataclass(frozen=True, slots=True)
class Source:
    """``terraform { source }``: the value (str, or Unknown) and its ``terraform`` block."""

    value: Any
    file: str
    line: int


@dataclass(slots=True)
class UnitConfig:
    path: str  # the unit's terragrunt.hcl
    inputs: Any = field(default_factory=dict)  # dict, or Unknown
    source: Source | None = None
    generated: dict[str, Generated] = field(default_factory=dict)
    var_files: list[str] = field(default_factory=list)  # extra_arguments' required/optional_var_files


class Loader:
    """Reads the configuration files of a scan's units, each at most once per context."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.base = reader.cwd.resolve().as_posix()
        self.root = reader.boundary.as_posix()
        self.included: set[str] = set()  # files some unit includes: not units themselves
        self._texts: dict[str, list[str]] = {}

    def absolute(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.base, path))

    def relative(self, path: str, folder: str) -> str:
        """A path as the rest of the scan writes it: relative to the working directory; a
        relative one is taken from ``folder`` (itself relative to the working directory)."""
        if posixpath.isabs(path):
            return posixpath.relpath(posixpath.normpath(path), self.base)
        return posixpath.normpath(posixpath.join(folder, path))

    def is_file(self, path: str) -> bool:
        """Whether ``path`` is a file of the repository; its folder's listing is told to the scan's
        read log, so that a file looked for and not found counts when it appears."""
        if not self.reader.inside(path):
            return False
        full = Path(self.base) / path
        read_log.folder_listed(full.parent)
        return full.is_file()

    def body(self, path: str) -> Body | None:
        config = self.reader.parse(path)
        if config is None or config.errors:
            return None
        return config.body

    def line_text(self, path: str, line: int) -> str:
        if path not in self._texts:
            text = self.reader.read_text(path) or ""
            self._texts[path] = text.split("\n")
        lines = self._texts[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def unit(self, path: str) -> UnitConfig:
        """The unit ``path`` (a terragrunt.hcl) with its includes merged."""
        child = ConfigFileEval(self, path, unit=path, config=path)
        result = UnitConfig(path=path)
        inputs: Any = {}
        deep = False
        for include in child.includes():
            if include.strategy == "no_merge" or include.file is None:
                continue
            deep = deep or include.strategy == "deep"
            inputs = _merge(inputs, include.file.inputs(), deep=deep)
            result.source = include.file.source() or result.source
            result.generated.update(include.file.generated())
            result.var_files += include.file.var_files()
        result.inputs = _merge(inputs, child.inputs(), deep=deep)
        result.source = child.source() or result.source
        result.generated.update(child.generated())
        result.var_files += child.var_files()
        return result


@dataclass(frozen=True, slots=True)
class Include:
    name: str
    file: ConfigFileEval | None
    strategy: str
    expose: bool


class ConfigFileEval:
    """One configuration file evaluated in one context: its scope, locals, blocks and attributes.

    ``config`` is the configuration Terragrunt is processing (the unit, or the file that
    ``read_terragrunt_config`` reads): the functions' folder. An included file is read with its
    unit's context and gives ``include_dir`` its own folder.
    """

    def __init__(self, loader: Loader, path: str, *, unit: str, config: str, included: bool = False,
                 depth: int = 0) -> None:
        self.loader = loader
        self.path = path
        self.unit = unit
        self.config = config
        self.is_included = included
        self.depth = depth
        self.parsed = loader.body(path)
        body = self.parsed or Body()
        self.functions = functions_for(self)
        cells = {a.name: Cell(partial(value_of, a.expr, self), f"local.{a.name}")
                 for block in body.blocks_of("locals") for a in block.body.attributes}
        self.locals = LazyMap(cells)
        self._includes: list[Include] | None = None
        self.dependencies = LazyMap({b.labels[0]: Cell(partial(self._dependency, b), f"dependency.{b.labels[0]}")
                                     for b in body.blocks_of("dependency") if len(b.labels) == 1})
        self._object = Cell(self._as_object, f"the configuration {path}")

    # ---- scope -------------------------------------------------------------------------------

    def lookup(self, name: str) -> Any:
        if name == "local":
            return self.locals
        if name == "include":
            return self._exposed()
        if name == "dependency":
            return self.dependencies
        if name in ("feature", "values"):
            return Unknown(f"{name}.* is set when Terragrunt runs (flags, stack values)")
        raise KeyError(name)

    # ---- what the functions need (linter.terragrunt.functions.Place) -------------------------

    def config_dir(self) -> str:
        return self.loader.absolute(posixpath.dirname(self.config) or ".")

    def unit_dir(self) -> str:
        return self.loader.absolute(posixpath.dirname(self.unit) or ".")

    def repo_root(self) -> str:
        return self.loader.root

    def include_dir(self, name: str | None) -> str | None:
        if self.is_included:
            return self.loader.absolute(posixpath.dirname(self.path) or ".")
        found = [i for i in self.includes() if i.file is not None and (name is None or i.name == name)]
        if not found:
            return None
        return self.loader.absolute(posixpath.dirname(found[0].file.path) or ".")  # type: ignore[union-attr]

    def exists(self, path: str) -> bool:
        return self.loader.is_file(self.loader.relative(path, "."))

    def read_config(self, path: str) -> Any:
        target = self.loader.relative(path, ".")
        if self.depth >= limits.TERRAGRUNT_READ_DEPTH:
            return Unknown("read_terragrunt_config: configurations read one another deeper than "
                           f"{limits.TERRAGRUNT_READ_DEPTH}")
        if not self.loader.is_file(target):
            return Invalid(f"read_terragrunt_config: {target} is not a file of the repository")
        other = ConfigFileEval(self.loader, target, unit=self.unit, config=target, depth=self.depth + 1)
        return other.as_object()

    # ---- blocks and attributes ---------------------------------------------------------------

    def includes(self) -> list[Include]:
        """The include blocks of a unit (an included file's own includes are not followed, as
        in Terragrunt)."""
        if self._includes is None:
            self._includes = []
            blocks = self.parsed.blocks_of("include") if self.parsed is not None and not self.is_included else ()
            for block in blocks:
                self._includes.append(self._include(block))
        return self._includes

    def _include(self, block: Block) -> Include:
        name = block.labels[0] if block.labels else ""
        strategy = self._attribute(block.body, "merge_strategy", "shallow")
        expose = self._attribute(block.body, "expose", False) is True
        path = self._attribute(block.body, "path", None)
        where = posixpath.dirname(self.path) or "."
        if not isinstance(path, str):
            reason = path.reason if isinstance(path, Unknown) else "it has no path"
            self.loader.reader.problem(self.path, block.line, f"include {name or '(unnamed)'} is not read: {reason}")
            return Include(name=name, file=None, strategy="no_merge", expose=False)
        target = self.loader.relative(path, where)
        if not self.loader.is_file(target):
            self.loader.reader.problem(self.path, block.line,
                                       f"include {name or '(unnamed)'}: {target} is not a file of the repository")
            return Include(name=name, file=None, strategy="no_merge", expose=False)
        self.loader.included.add(target)
        file = ConfigFileEval(self.loader, target, unit=self.unit, config=self.config, included=True)
        return Include(name=name, file=file, strategy=strategy if strategy in STRATEGIES else "shallow",
                       expose=expose)

    def _exposed(self) -> Any:
        exposed = {i.name: i.file.as_object() for i in self.includes() if i.expose and i.file is not None}
        if "" in exposed and len(exposed) == 1:
            return exposed[""]  # a bare `include { expose = true }` is `include.*`
        return exposed

    def _attribute(self, body: Body, name: str, default: Any) -> Any:
        attribute = body.attribute(name)
        return value_of(attribute.expr, self) if attribute is not None else default

    def _dependency(self, block: Block) -> dict[str, Any]:
        mock = block.body.attribute("mock_outputs")
        if mock is not None:
            outputs = value_of(mock.expr, self)
        else:
            path = self._attribute(block.body, "config_path", "?")
            outputs = Unknown(f"dependency.{block.labels[0]}.outputs: the outputs of {path} exist only once "
                              "it is applied (no mock_outputs)")
        return {"outputs": outputs, "inputs": Unknown("a dependency's inputs are not read")}

    def inputs(self) -> Any:
        if self.parsed is None:
            return Unknown(f"{self.path} could not be read")
        return self._attribute(self.parsed, "inputs", {})

    def source(self) -> Source | None:
        for block in self.parsed.blocks_of("terraform") if self.parsed is not None else ():
            attribute = block.body.attribute("source")
            if attribute is not None:
                return Source(value=value_of(attribute.expr, self), file=self.path, line=block.line)
        return None

    def var_files(self) -> list[str]:
        """``terraform { extra_arguments { required_var_files, optional_var_files } }``: the
        variables files Terragrunt passes with ``-var-file`` (an optional one only if it exists)."""
        found: list[str] = []
        blocks = self.parsed.blocks_of("terraform") if self.parsed is not None else ()
        for extra in (e for b in blocks for e in b.body.blocks_of("extra_arguments")):
            for name in ("required_var_files", "optional_var_files"):
                paths = self._attribute(extra.body, name, [])
                for path in paths if isinstance(paths, list) else ():
                    if not isinstance(path, str):
                        continue
                    target = self.loader.relative(path, posixpath.dirname(self.path) or ".")
                    if self.loader.is_file(target):
                        found.append(target)
                    elif name == "required_var_files":
                        self.loader.reader.problem(self.path, extra.line,
                                                   f"required_var_files: {target} is not a file of the repository")
        return found

    def generated(self) -> dict[str, Generated]:
        out: dict[str, Generated] = {}
        for block in self.parsed.blocks_of("generate") if self.parsed is not None else ():
            if not block.labels or self._attribute(block.body, "disable", False) is True:
                continue
            path = self._attribute(block.body, "path", None)
            contents = block.body.attribute("contents")
            if not isinstance(path, str) or contents is None:
                continue
            text = value_of(contents.expr, self)
            heredoc = "<<" in self.loader.line_text(self.path, contents.line)
            out[block.labels[0]] = Generated(name=block.labels[0], path=posixpath.basename(path), text=text,
                                             file=self.path, first_line=contents.line + (1 if heredoc else 0))
        return out

    def as_object(self) -> Any:
        """What ``read_terragrunt_config`` and an exposed include give: locals, inputs,
        dependencies, the ``terraform`` block's attributes and the other top-level attributes."""
        return self._object.get()

    def _as_object(self) -> dict[str, Any]:
        body = self.parsed or Body()
        out: dict[str, Any] = {name: value_of(a.expr, self) for a in body.attributes
                               if (name := a.name) != "inputs"}
        out["inputs"] = self.inputs()
        out["locals"] = {name: self.locals[name] for name in self.locals}
        out["dependency"] = {name: self.dependencies[name] for name in self.dependencies}
        for block in body.blocks_of("terraform"):
            out["terraform"] = {a.name: value_of(a.expr, self) for a in block.body.attributes}
        return out


def _merge(base: Any, over: Any, *, deep: bool) -> Any:
    """Terragrunt's merge of inputs: the child's keys win (``shallow``); ``deep`` merges maps
    recursively and concatenates lists. An Unknown side makes the whole Unknown (fail closed)."""
    for side in (base, over):
        if isinstance(side, Unknown):
            return side
    if not isinstance(base, dict) or not isinstance(over, dict):
        return Invalid("inputs must be a map") if find_unknown([base, over]) is None else find_unknown([base, over])
    merged = dict(base)
    for key, value in over.items():
        if deep and isinstance(merged.get(key), dict) and isinstance(value, dict):
            merged[key] = _merge(merged[key], value, deep=True)
        elif deep and isinstance(merged.get(key), list) and isinstance(value, list):
            merged[key] = [*merged[key], *value]
        else:
            merged[key] = value
    return merged


def units(loader: Loader, paths: Iterable[str]) -> list[UnitConfig]:
    """Every given terragrunt.hcl evaluated; those another one includes are left out (a root
    ``terragrunt.hcl`` shared by its children is configuration, not a unit)."""
    evaluated = [loader.unit(path) for path in paths]
    return [unit for unit in evaluated if unit.path not in loader.included]
